"""Loads a compiled seccomp filter (init side: standard library + ctypes).

The program was compiled on the runtime side (seccomp_compile); here it is
only handed to the kernel with seccomp(SECCOMP_SET_MODE_FILTER), or
prctl(PR_SET_SECCOMP) on kernels without seccomp(2). Without
no_new_privs the caller needs CAP_SYS_ADMIN (load before dropping it).
"""
import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

SYS_seccomp = 317  # x86_64
SECCOMP_SET_MODE_FILTER = 1
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def load(bpf: bytes, flags: int = 0) -> None:
    """Installs the filter on the calling thread (the init is single
    threaded). OSError with the kernel's errno on failure."""
    if not bpf or len(bpf) % 8:
        raise OSError(22, "seccomp: the filter program is empty or truncated")
    buf = ctypes.create_string_buffer(bytes(bpf), len(bpf))
    prog = _SockFprog(len(bpf) // 8, ctypes.cast(buf, ctypes.c_void_p))
    ret = _libc.syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, ctypes.c_ulong(flags), ctypes.byref(prog))
    if ret < 0:
        err = ctypes.get_errno()
        if err == 38 and not flags:  # ENOSYS: a kernel before 3.17
            ret = _libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), 0, 0)
            err = ctypes.get_errno() if ret < 0 else 0
        if ret < 0:
            raise OSError(err, f"seccomp: cannot load the filter: {os.strerror(err)}")
