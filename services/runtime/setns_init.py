"""`python -E -S -m services.runtime.setns_init CFG_FD CTL_FD READY_FD`: a process
into a running container (doca exec), as runc's setns_init does.

Started by the runtime for each exec. It reads its inputs (marshal) from
CFG_FD, keeps the container's cgroup.procs files open while it still sees
the host's /sys, enters the container's namespaces (mount last), forks (a
pid namespace only takes effect for children) and the child becomes the
user's process. With a terminal, the pty comes from the container's own
devpts and this process relays it to its stdin/stdout; CTL_FD brings window
sizes ("rows cols\\n"). READY_FD gets b"1" once the process's execve has
succeeded (a close-on-exec pipe from the child tells), and is closed
without it when the process could not start. It exits with the process's
exit code, or EXIT_GONE when the container's init is gone before the
process could join it (a stop or restart under way: its pid namespace
takes no new process), which the runtime reports as "not running".

Standard library only: it starts fast and stays small.
"""
import _signal
import errno
import fcntl
import marshal
import os
import select
import struct
import sys
import termios

from services.runtime import console_linux, init_linux, syscalls as sc

# Not an exit code of the user's process: that one never existed.
EXIT_GONE = 255
NS_ORDER = (("ipc", sc.CLONE_NEWIPC), ("uts", sc.CLONE_NEWUTS),
            ("net", sc.CLONE_NEWNET), ("pid", sc.CLONE_NEWPID), ("mnt", sc.CLONE_NEWNS))


def _cgroup_namespace(pid: int) -> int | None:
    """The container's cgroup namespace, to be joined by the child once it
    is in the container's cgroups (on cgroup v2 with nsdelegate, older
    kernels refuse the move from inside the namespace); None when the
    container shares ours (--cgroupns host)."""
    if os.readlink(f"/proc/{pid}/ns/cgroup") == os.readlink("/proc/self/ns/cgroup"):
        return None
    return os.open(f"/proc/{pid}/ns/cgroup", os.O_RDONLY | os.O_CLOEXEC)


def _enter(pid: int) -> None:
    order = list(NS_ORDER)
    if os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user"):
        # --userns-remap: the network namespace belongs to the host's user
        # namespace (it is pinned there): join it while we still may, then
        # the container's user namespace, then the ones it owns.
        order = [n for n in order if n[0] == "net"] + [("user", sc.CLONE_NEWUSER)] + \
                [n for n in order if n[0] != "net"]
    # Only the namespaces the container has of its own (--cgroupns host
    # shares ours: nothing to join).
    order = [(name, flag) for name, flag in order
             if os.readlink(f"/proc/{pid}/ns/{name}") != os.readlink(f"/proc/self/ns/{name}")]
    fds = [(os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC), flag) for name, flag in order]
    for fd, flag in fds:
        sc.setns(fd, flag)
        os.close(fd)


def _resize(fd: int, line: bytes) -> None:
    try:
        rows, cols = (int(x) for x in line.split())
    except ValueError:
        return
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _child(cfg: dict, cgroup_fds: list[int], cgroupns: int | None, pty: tuple[int, str] | None,
           exec_w: int) -> None:
    """Never returns. exec_w (close-on-exec) closes unwritten when the
    execve succeeds; a failure writes to it first."""
    code, message = init_linux.EXIT_CANNOT_INVOKE, ""
    try:
        for fd in cgroup_fds:
            os.write(fd, b"0")
        if cgroupns is not None:
            sc.setns(cgroupns, sc.CLONE_NEWCGROUP)
        if pty:
            console_linux.become_controlled(pty[1])
        process = cfg["process"]
        cwd = process.get("cwd") or "/"
        try:
            os.chdir(cwd)
        except OSError as e:
            raise init_linux.InitError(init_linux.EXIT_CANNOT_INVOKE, f'chdir to cwd ("{cwd}") set in config.json '
                                       f'failed: {(e.strerror or str(e)).lower()}') from None
        args = process["args"]
        path = init_linux.find_executable(args[0], process.get("env", []))
        init_linux.become(process, path, args, process.get("env", []), cfg.get("security"))
    except init_linux.InitError as e:
        message = str(e)
    except OSError as e:
        message = str(e)
    except BaseException as e:  # noqa: BLE001 - a forked child must never unwind
        code, message = 1, f"{type(e).__name__}: {e}"
    try:
        os.write(exec_w, b"!")
        # Docker 20.10's: a process that cannot start exits 126, missing
        # or not (the container's first process says 127), and its daemon
        # prints runc's words on the exec's stdout.
        os.write(1, f"OCI runtime exec failed: exec failed: unable to start container process: {message}: "
                    "unknown\n".encode())
    finally:
        os._exit(code)


def _relay(master: int, ctl: int, child: int) -> None:
    """stdin -> pty, pty -> stdout, control lines -> window size, until the
    pty closes (EIO once no process holds its other end) or, the child being
    gone, nothing more arrives."""
    pidfd = os.pidfd_open(child)
    poller = select.poll()
    for fd in (0, master, ctl, pidfd):
        poller.register(fd, select.POLLIN)
    ctl_buf, child_done = b"", False
    while True:
        events = poller.poll(100 if child_done else -1)
        if not events and child_done:
            return
        for fd, _ in events:
            if fd == pidfd:
                child_done = True
                poller.unregister(pidfd)
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO from the master: the pty's last user closed it
                data = b""
            if not data:
                poller.unregister(fd)
                if fd == master:
                    return
                continue
            if fd == 0:
                os.write(master, data)
            elif fd == master:
                os.write(1, data)
            else:
                ctl_buf += data
                *lines, ctl_buf = ctl_buf.split(b"\n")
                for line in lines:
                    _resize(master, line)


def _join(cfg: dict):
    """Everything up to the fork of the user's process, which the child
    (pid 0 here) goes on to become."""
    # The host's cgroup files, opened before the container's /sys replaces them.
    cgroup_fds = [os.open(os.path.join(d, "cgroup.procs"), os.O_WRONLY | os.O_CLOEXEC)
                  for d in cfg["cgroup_dirs"]]
    # Non-dumpable before we (and the child, which inherits it) are visible
    # in the container's /proc: until its execve the child is the host's
    # Python, and /proc/PID/exe or /proc/PID/fd of it must not open for a
    # container's root (CVE-2019-5736; the binary is a sealed copy as well,
    # see sealed_exe.py). The execve of the user's program resets it.
    sc.prctl(sc.PR_SET_DUMPABLE, 0)
    cgroupns = _cgroup_namespace(cfg["pid"])
    _enter(cfg["pid"])
    pty = console_linux.open_pty() if cfg["process"].get("terminal") else None
    if pty and cfg.get("size"):
        _resize(pty[0], cfg["size"].encode())
    exec_r, exec_w = os.pipe2(os.O_CLOEXEC)
    child = os.fork()
    return cgroup_fds, cgroupns, pty, child, exec_r, exec_w


def main() -> None:
    cfg_fd, ctl_fd = int(sys.argv[1]), int(sys.argv[2])
    ready_fd = int(sys.argv[3]) if len(sys.argv) > 3 else -1
    for fd in (ctl_fd, ready_fd):  # ours, not the user's process's (pass_fds made them inheritable)
        if fd >= 0:
            os.set_inheritable(fd, False)
    with os.fdopen(cfg_fd, "rb") as f:
        cfg = marshal.load(f)
    try:
        cgroup_fds, cgroupns, pty, child, exec_r, exec_w = _join(cfg)
    except OSError as e:
        # The init gone: its /proc entries or cgroup vanish (ENOENT, ESRCH),
        # or its pid namespace refuses a new process (fork: ENOMEM).
        if not os.path.exists(f"/proc/{cfg['pid']}/ns/pid") or e.errno == errno.ENOMEM:
            os._exit(EXIT_GONE)
        os.write(2, f"doca exec: {e}\n".encode())
        os._exit(init_linux.EXIT_CANNOT_INVOKE)
    if child == 0:
        os.close(exec_r)
        _child(cfg, cgroup_fds, cgroupns, pty, exec_w)
    # The runtime ends an exec it gave up on (a health check's timeout, a
    # client gone) with SIGTERM to us: the process in the container goes too.
    _signal.signal(_signal.SIGTERM, lambda *_: os.kill(child, _signal.SIGKILL))
    os.close(exec_w)
    for fd in cgroup_fds + ([cgroupns] if cgroupns is not None else []):
        os.close(fd)
    failed = os.read(exec_r, 1)  # EOF: the execve succeeded (or the child died first)
    os.close(exec_r)
    if ready_fd >= 0:
        if not failed:  # "1", then the process's pid (exec inspect's Pid)
            os.write(ready_fd, b"1" + str(child).encode())
        os.close(ready_fd)
    if pty:
        _relay(pty[0], ctl_fd, child)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 - code if code < 0 else code)


if __name__ == "__main__":
    main()
