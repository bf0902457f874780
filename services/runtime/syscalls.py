"""The Linux system calls the executor needs, through ctypes.

Only the standard library: this runs in the shim and the container's init,
which must start fast and stay small (no grpc, no service code).
"""
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

# Namespace flags (linux/sched.h)
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACE_FLAGS = {
    "pid": CLONE_NEWPID, "network": CLONE_NEWNET, "mount": CLONE_NEWNS,
    "ipc": CLONE_NEWIPC, "uts": CLONE_NEWUTS, "user": CLONE_NEWUSER,
    "cgroup": CLONE_NEWCGROUP,
}

# mount(2) flags (linux/mount.h)
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_SYNCHRONOUS = 16
MS_REMOUNT = 32
MS_MANDLOCK = 64
MS_DIRSYNC = 128
MS_NOSYMFOLLOW = 256
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_MOVE = 8192
MS_REC = 16384
MS_SILENT = 32768
MS_UNBINDABLE = 1 << 17
MS_PRIVATE = 1 << 18
MS_SLAVE = 1 << 19
MS_SHARED = 1 << 20
MS_RELATIME = 1 << 21
MS_STRICTATIME = 1 << 24
MNT_DETACH = 2

SYS_move_mount = 429
SYS_fsopen = 430
SYS_fsconfig = 431
SYS_fsmount = 432
FSOPEN_CLOEXEC = 1
FSCONFIG_SET_STRING = 1
FSCONFIG_CMD_CREATE = 6
FSMOUNT_CLOEXEC = 1
MOVE_MOUNT_F_EMPTY_PATH = 4
AT_FDCWD = -100

SIGCHLD = 17
SYS_clone = 56
SYS_pivot_root = 155
SYS_setns = 308

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NAME = 15
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return ret


def _b(s):
    return s.encode() if isinstance(s, str) else s


def mount(source, target, fstype, flags: int = 0, data=None) -> None:
    _check(libc.mount(_b(source), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)),
           f"mount {source or fstype} on {target}")


def umount2(target, flags: int = 0) -> None:
    _check(libc.umount2(_b(target), flags), f"umount {target}")


class _Statfs(ctypes.Structure):  # struct statfs (x86_64, aarch64): f_type first, 120 bytes
    _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_byte * 112)]


def fs_type(path) -> int:
    """statfs(2)'s f_type: the magic number of the filesystem holding path."""
    buf = _Statfs()
    _check(libc.statfs(_b(str(path)), ctypes.byref(buf)), f"statfs {path}")
    return buf.f_type


def unshare(flags: int) -> None:
    _check(libc.unshare(flags), "unshare")


def setns(fd: int, nstype: int = 0) -> None:
    _check(libc.setns(fd, nstype), "setns")


def pivot_root(new_root, put_old) -> None:
    _check(libc.syscall(SYS_pivot_root, _b(new_root), _b(put_old)), "pivot_root")


def sethostname(name: str) -> None:
    raw = name.encode()
    _check(libc.sethostname(raw, len(raw)), "sethostname")


def setdomainname(name: str) -> None:
    raw = name.encode()
    _check(libc.setdomainname(raw, len(raw)), "setdomainname")


def clone(flags: int) -> int:
    """fork(2) with new namespaces: 0 in the child, the child's pid in the
    parent. Unlike unshare + fork, the child is PID 1 of a new pid namespace
    directly. Python's at-fork hooks do not run: the caller is single-threaded
    and the child only makes system calls and execs."""
    pid = libc.syscall(SYS_clone, ctypes.c_ulong(flags | SIGCHLD), 0, 0, 0, 0)
    return _check(pid, "clone")


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    return _check(libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(arg3),
                             ctypes.c_ulong(arg4), ctypes.c_ulong(arg5)), "prctl")


def mount_fs(fstype: str, target: str, options: list[tuple[str, str]]) -> None:
    """mount(2)'s successor (fsopen, fsconfig per option, fsmount,
    move_mount): no 4095-byte cap on the options, so an overlay can take
    hundreds of "lowerdir+" layers (Linux 6.8+)."""
    fs = _check(libc.syscall(SYS_fsopen, _b(fstype), FSOPEN_CLOEXEC), f"fsopen {fstype}")
    try:
        for key, value in options:
            _check(libc.syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, _b(key), _b(value), 0),
                   f"fsconfig {key}={value}")
        _check(libc.syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, None, None, 0), f"create {fstype}")
        mnt = _check(libc.syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0), f"fsmount {fstype}")
        try:
            _check(libc.syscall(SYS_move_mount, mnt, b"", AT_FDCWD, _b(target), MOVE_MOUNT_F_EMPTY_PATH),
                   f"move_mount {fstype} to {target}")
        finally:
            os.close(mnt)
    finally:
        os.close(fs)
