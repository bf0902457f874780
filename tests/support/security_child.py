"""Runs one security scenario in throwaway processes (tests only).

The pytest process builds the init's payload (runtime side), then
`run(...)` starts `python -m tests.support.security_child FILE`, a fresh
single-threaded process that:
  1. unshares a private mount namespace (no mount can reach the host),
  2. forks a sacrificial `sleep` (a process to try ptrace on),
  3. forks the child that applies the payload as the container's init
     would (apply_linux.apply), probes what it may still do, reports JSON
     on a pipe, and optionally execs `/bin/cat /proc/self/status` to show
     what survives execve,
  4. reaps both and prints one JSON document.
"""
import ctypes
import errno
import json
import marshal
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_REC, MS_PRIVATE = 16384, 1 << 18
SYS = {"getpid": 39, "reboot": 169, "init_module": 175, "finit_module": 313, "kexec_load": 246,
       "keyctl": 250, "ptrace": 101, "bpf": 321, "clone3": 435, "acct": 163, "mseal": 462,
       "personality": 135, "socket": 41, "setuid": 105, "unshare": 272, "io_uring_setup": 425}


def run(payload: dict, user: dict | None = None, probes=(), exec_status: bool = False,
        defer_seccomp: bool = False, timeout: float = 30) -> dict:
    """pytest side: runs a scenario, returns the helper's JSON report."""
    with tempfile.NamedTemporaryFile(prefix="doca-sec-", suffix=".marshal") as f:
        f.write(marshal.dumps({"payload": payload, "user": user, "probes": list(probes),
                               "exec_status": exec_status, "defer_seccomp": defer_seccomp}))
        f.flush()
        r = subprocess.run([sys.executable, "-E", "-S", "-m", "tests.support.security_child", f.name],
                           cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"helper failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


# -- child side ---------------------------------------------------------------

def _errno_name(ret: int) -> str:
    if ret >= 0:
        return "ok"
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def _sys(name: str, *args) -> str:
    return _errno_name(libc.syscall(SYS[name], *args))


def _status() -> dict:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key.startswith("Cap") or key in ("NoNewPrivs", "Seccomp", "Seccomp_filters", "Uid"):
                out[key] = value.strip()
    return out


def _in_fork(call) -> str:
    """Runs a probe that would change the prober (a new namespace) in a
    forked child, so the probes after it are not affected."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if call() == 0 else min(ctypes.get_errno(), 255) or 255)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return "ok" if code == 0 else errno.errorcode.get(code, str(code))


def _probe(name: str, ctx: dict) -> str:
    if name == "mount":
        ret = libc.mount(b"none", ctx["tmp"].encode(), b"tmpfs", ctypes.c_ulong(0), None)
        result = _errno_name(ret)
        if ret == 0:
            libc.umount2(ctx["tmp"].encode(), 2)
        return result
    if name in ("unshare_mnt", "unshare_user"):
        return _in_fork(lambda: libc.unshare(CLONE_NEWNS if name == "unshare_mnt" else CLONE_NEWUSER))
    if name == "keyctl":  # KEYCTL_GET_KEYRING_ID of the session keyring, no create
        return _sys("keyctl", 0, ctypes.c_long(-3), 0)
    if name == "reboot":  # bad magic: EINVAL at worst, never a reboot
        return _sys("reboot", 0, 0, 0, None)
    if name == "init_module":
        return _sys("init_module", None, 0, b"")
    if name == "finit_module":
        return _sys("finit_module", -1, b"", 0)
    if name == "kexec_load":
        return _sys("kexec_load", 0, 0, None, 0)
    if name == "bpf":
        return _sys("bpf", 0, None, 0)
    if name == "ptrace":  # PTRACE_ATTACH to a sibling that kept every capability
        ret = libc.syscall(SYS["ptrace"], 16, ctx["target"], None, None)
        result = _errno_name(ret)
        if ret == 0:
            libc.syscall(SYS["ptrace"], 17, ctx["target"], None, None)  # PTRACE_DETACH
        return result
    if name == "capset_sys_admin":
        from services.runtime.security import caps_linux
        eff, perm, inh = caps_linux.get_caps()
        try:
            caps_linux.set_caps(eff | 1 << 21, perm | 1 << 21, inh)
            return "ok"
        except OSError as e:
            return errno.errorcode[e.errno]
    if name == "ambient_sys_admin":  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN
        return _errno_name(libc.prctl(47, ctypes.c_ulong(2), ctypes.c_ulong(21), ctypes.c_ulong(0), ctypes.c_ulong(0)))
    if name == "io_uring_setup":  # NULL params: EFAULT when the kernel gets to look
        return _sys("io_uring_setup", 1, None)
    if name == "getpid":
        return _sys("getpid")
    if name == "clone3":
        return _sys("clone3", None, 0)
    if name == "acct":
        return _sys("acct", None)
    if name == "mseal":
        return _sys("mseal", 0, 0, 0)
    if name == "syscall_1000":
        return _errno_name(libc.syscall(1000, 0, 0, 0))
    if name.startswith("socket_"):  # AF_VSOCK 40, AF_ALG 38, AF_INET 2
        family, kind = {"socket_vsock": (40, 1), "socket_alg": (38, 5), "socket_inet": (2, 2)}[name]
        ret = libc.syscall(SYS["socket"], family, kind, 0)
        result = _errno_name(ret)
        if ret >= 0:
            os.close(ret)
        return result
    if name == "personality_query":
        return _sys("personality", ctypes.c_ulong(0xFFFFFFFF))
    if name == "personality_no_randomize":
        return _sys("personality", ctypes.c_ulong(0x0040000))
    if name == "setuid_root":
        return _sys("setuid", 0)
    if name == "nofile":
        import resource
        return "%d:%d" % resource.getrlimit(resource.RLIMIT_NOFILE)
    raise ValueError(f"unknown probe {name}")


def _child(scenario: dict, ctx: dict, w: int, status_w: int) -> None:
    from services.runtime.security import apply_linux, caps_linux  # noqa: F401 - before the filter
    import resource  # noqa: F401
    timings: dict = {}
    report: dict = {}
    try:
        apply_linux.apply(scenario["payload"], scenario["user"], timings=timings,
                          defer_seccomp=scenario["defer_seccomp"])
        if scenario["defer_seccomp"]:
            report["before_finish"] = _status()
            apply_linux.finish(scenario["payload"])
        report.update({"timings": timings, "status": _status(),
                       "probes": {p: _probe(p, ctx) for p in scenario["probes"]}})
    except OSError as e:
        report = {"error": str(e), "errno": errno.errorcode.get(e.errno, e.errno)}
    os.write(w, json.dumps(report).encode())
    os.close(w)
    if scenario["exec_status"] and "error" not in report:
        os.dup2(status_w, 1)
        os.execv("/bin/cat", ["cat", "/proc/self/status"])
    os._exit(0)


def main(path: str) -> None:
    with open(path, "rb") as f:
        scenario = marshal.load(f)
    if libc.unshare(CLONE_NEWNS) != 0 or libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None) != 0:
        raise SystemExit(f"cannot make a private mount namespace: {os.strerror(ctypes.get_errno())}")
    target = os.fork()
    if target == 0:
        libc.prctl(1, ctypes.c_ulong(9), 0, 0, 0)  # PR_SET_PDEATHSIG: never outlives the helper
        os.execv("/bin/sleep", ["sleep", "60"])
    tmp = tempfile.mkdtemp(prefix="doca-sec-")
    try:
        r, w = os.pipe()
        status_r, status_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                os.close(status_r)
                _child(scenario, {"tmp": tmp, "target": target}, w, status_w)
            finally:
                os._exit(70)
        os.close(w)
        os.close(status_w)
        chunks = []
        while chunk := os.read(r, 65536):
            chunks.append(chunk)
        status_text = b""
        while chunk := os.read(status_r, 65536):
            status_text += chunk
        _, wstatus = os.waitpid(pid, 0)
    finally:
        os.kill(target, 9)
        os.waitpid(target, 0)
        os.rmdir(tmp)
    exec_status = {}
    for line in status_text.decode().splitlines():
        key, _, value = line.partition(":")
        if key.startswith("Cap") or key in ("NoNewPrivs", "Seccomp", "Seccomp_filters", "Uid"):
            exec_status[key] = value.strip()
    report = json.loads(b"".join(chunks) or b"{}")
    report["exit"] = os.waitstatus_to_exitcode(wstatus)
    report["exec_status"] = exec_status
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
