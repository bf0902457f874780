"""The container's init: runs in the child the shim cloned into new
namespaces, sets up the container from config.json, reports "ready", waits
for `start` on the exec fifo, then execs the user's process.

This is a forked copy of the shim: it must never return into the shim's code,
so every path ends in execve or os._exit. Standard library only.
"""
import _signal
import _socket
import fcntl
import os
import struct

from services.runtime import console_linux, rootfs_linux, syscalls as sc
from services.runtime.security import apply_linux

EXIT_ENGINE = 125
EXIT_CANNOT_INVOKE = 126
EXIT_NOT_FOUND = 127

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


class InitError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def join_cgroups(dirs) -> None:
    for d in dirs:
        with open(os.path.join(d, "cgroup.procs"), "w") as f:
            f.write("0")


def loopback_up() -> None:
    """lo up, unless it already is (the shim brings up the lo of a network
    namespace it pins; a --userns-remap container may not touch it)."""
    # _socket, not socket: the wrapper module pulls in enum, slow to import.
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        if not flags & IFF_UP:
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))
    finally:
        s.close()


def find_executable(arg0: str, env: list[str]) -> str:
    """Docker's lookup and messages: 127 when missing, 126 when not runnable."""
    def runnable(path: str) -> bool:
        return os.path.isfile(path) and os.access(path, os.X_OK)

    if "/" in arg0:
        if runnable(arg0):
            return arg0
        if os.path.exists(arg0):
            raise InitError(EXIT_CANNOT_INVOKE, f'exec: "{arg0}": permission denied')
        raise InitError(EXIT_NOT_FOUND, f'exec: "{arg0}": stat {arg0}: no such file or directory')
    path = next((e[5:] for e in env if e.startswith("PATH=")), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    denied = None
    for d in path.split(":"):
        candidate = os.path.join(d or ".", arg0)
        if runnable(candidate):
            return candidate
        if os.path.exists(candidate) and denied is None:
            denied = candidate
    if denied:
        raise InitError(EXIT_CANNOT_INVOKE, f'exec: "{arg0}": permission denied')
    raise InitError(EXIT_NOT_FOUND, f'exec: "{arg0}": executable file not found in $PATH')


def hold_failed_start(fifo: int, e: InitError) -> None:
    """The program cannot start: says so to `start` on the exec fifo
    ("E CODE MESSAGE" instead of "0") and waits for the runtime's SIGKILL,
    which it sends once it has taken the container back to "created" (an
    init that exited by itself would be recorded as the container's exit).
    Never returns."""
    os.write(fifo, f"E {e.code} {e}".encode()[:4000])
    os.close(fifo)
    while True:
        _signal.pause()


def set_user(user: dict) -> None:
    uid, gid = int(user.get("uid", 0)), int(user.get("gid", 0))
    os.setgroups([int(g) for g in user.get("additionalGids", ())])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def reset_signals() -> None:
    """Default dispositions and an empty mask, as a fresh program expects:
    Python (and the shim) ignore SIGPIPE, SIGXFSZ, SIGINT or SIGHUP, and an
    ignored signal stays ignored across execve (Ctrl-C would not reach a
    container's sleep)."""
    for sig in range(1, _signal.NSIG):
        if sig in (_signal.SIGKILL, _signal.SIGSTOP):
            continue
        try:
            # Python's table knows every disposition (read at its start, and
            # its own changes since): one system call only where one is due.
            if _signal.getsignal(sig) != _signal.SIG_DFL:
                _signal.signal(sig, _signal.SIG_DFL)
        except (OSError, ValueError, RuntimeError):
            pass  # signals Python reserves or that do not exist here
    _signal.pthread_sigmask(_signal.SIG_SETMASK, [])


def become(process: dict, path: str, args: list, env: list, security: dict | None) -> None:
    """The last steps before the user's program, shared by the init and
    exec: default signals, then (security/apply_linux.py, in its order)
    rlimits, the capability bounding set, the user's ids, capabilities,
    no_new_privs and the seccomp filter; then execve. Never returns."""
    reset_signals()
    env_map = dict(e.split("=", 1) for e in env if "=" in e)
    if security is None:
        set_user(process.get("user", {}))
    else:
        try:
            apply_linux.apply(security, process.get("user", {}), set_user)
        except OSError as e:
            raise InitError(EXIT_ENGINE, f"cannot apply the container's security settings: {e}") from None
    os.execve(path, args, env_map)


def _prepare(spec: dict, rootfs: str, cgroup_view: dict, console: int | None,
             in_userns: bool = False, cgroup_join=None) -> tuple[str, list, list]:
    if not in_userns:  # in a user namespace the shim has put us in our cgroups
        # Every hierarchy's (cgroup_join), not only those it sees (the view):
        # see cgroups/v1.py dirs(). A bundle from before had none.
        join_cgroups(cgroup_join if cgroup_join is not None else cgroup_view.values())
    if any(ns.get("type") == "cgroup" and not ns.get("path") for ns in spec.get("linux", {}).get("namespaces", ())):
        # Rooted at the cgroups just joined: the container sees "/" there and
        # nothing above (no hierarchy root, no release_agent: CVE-2022-0492).
        sc.unshare(sc.CLONE_NEWCGROUP)
    if not rootfs_linux.shares_mounts(spec):  # else the host's peer groups are kept (rootfs_linux.py)
        sc.mount(None, "/", None, sc.MS_REC | sc.MS_SLAVE, None)
    if spec.get("hostname"):
        sc.sethostname(spec["hostname"])
    if spec.get("domainname"):
        sc.setdomainname(spec["domainname"])
    rootfs_linux.setup(spec, rootfs, cgroup_view, in_userns)
    loopback_up()
    if console is not None:  # -t: the pty comes from the container's devpts, its master goes to the shim
        master, slave = console_linux.open_pty()
        console_linux.send_fd(console, master)
        os.close(master)
        os.close(console)
        console_linux.become_controlled(slave)
    process = spec["process"]
    env = list(process.get("env", ()))
    cwd = process.get("cwd") or "/"
    try:
        os.makedirs(cwd, exist_ok=True)
        os.chdir(cwd)
    except OSError as e:
        raise InitError(EXIT_CANNOT_INVOKE, f"cannot use working directory {cwd}: {e.strerror}")
    args = list(process.get("args", ()))
    if not args:
        raise InitError(EXIT_CANNOT_INVOKE, "no command specified")
    return find_executable(args[0], env), args, env


def run(spec: dict, bundle: str, cgroup_view: dict, fifo_path: str, ready_w: int,
        stdio: tuple[int, int, int], console: int | None = None, security: dict | None = None,
        userns_go: int | None = None, cgroup_join=None) -> None:
    """Never returns."""
    reported = False
    try:
        # Until its execve the init is the host's Python: non-dumpable, so
        # that no process of the container opens /proc/1/exe or /proc/1/fd
        # (CVE-2019-5736; the binary is a sealed copy too: sealed_exe.py).
        sc.prctl(sc.PR_SET_DUMPABLE, 0)
        for target, fd in enumerate(stdio):
            os.dup2(fd, target)
        rootfs = os.path.join(bundle, spec.get("root", {}).get("path", "rootfs"))
        if userns_go is not None:
            # A new user namespace: nothing works until the shim has written our
            # id map (and put us in our cgroups): wait for its byte.
            os.read(userns_go, 1)
            os.close(userns_go)
            # Still the host's root: the state dir (maybe 0700) can be walked
            # now, not after the switch below. The shim's mounts arrive here
            # locked (made in a more privileged namespace) and pivot_root
            # wants a root mount of our own: bind it onto itself first, then
            # use it through a descriptor from here on.
            sc.mount(rootfs, rootfs, None, sc.MS_BIND | sc.MS_REC, None)
            rootfs = f"/proc/self/fd/{os.open(rootfs, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)}"
            spec = dict(spec, mounts=rootfs_linux.hold_bind_sources(spec.get("mounts", ())))
        # The exec fifo is opened by path now, while the bundle is reachable;
        # after pivot_root it is reopened through /proc/self/fd.
        fifo_holder = os.open(fifo_path, os.O_PATH | os.O_CLOEXEC)
        if userns_go is not None:
            # Our ids are the host's root, unmapped here: become the
            # namespace's root (host BASE) before creating any file.
            os.setgroups([])
            os.setresgid(0, 0, 0)
            os.setresuid(0, 0, 0)
            # The id change made us non-dumpable: /proc/self (the exec fifo is
            # reopened through it) would belong to the host's root.
            sc.prctl(sc.PR_SET_DUMPABLE, 1)
        path, args, env = _prepare(spec, rootfs, cgroup_view, console, in_userns=userns_go is not None,
                                   cgroup_join=cgroup_join)
        os.write(ready_w, b"ok\n")
        os.close(ready_w)
        reported = True
        # Blocks until `start` opens the fifo for reading (OCI create/start).
        fifo = os.open(f"/proc/self/fd/{fifo_holder}", os.O_WRONLY | os.O_CLOEXEC)
        try:
            # Looked up again: the start's lookup is the one that counts, as
            # Docker's (its runtime makes the init at start): the program may
            # have gone since create (a bind mount's source changed).
            path = find_executable(args[0], env)
        except InitError as e:
            hold_failed_start(fifo, e)
        os.write(fifo, b"0")
        os.close(fifo)
        os.close(fifo_holder)
        sc.prctl(sc.PR_SET_DUMPABLE, 0)  # undone above for a user namespace's /proc/self
        become(spec["process"], path, args, env, security)
    except InitError as e:
        code, message = e.code, str(e)
    except OSError as e:
        # Docker's CLI: a start that failed on a missing file exits 127, else 126
        code = EXIT_NOT_FOUND if e.errno == 2 else EXIT_CANNOT_INVOKE
        message = e.strerror if e.filename is None and e.strerror else str(e)
    except BaseException as e:  # noqa: BLE001 - a forked child must never unwind
        code, message = 1, f"{type(e).__name__}: {e}"
    try:
        if not reported:
            os.write(ready_w, f"err {code} {message}\n".encode())
        else:
            os.write(2, f"doca-init: {message}\n".encode())
    finally:
        os._exit(code)
