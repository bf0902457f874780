"""doca's own executor: the shim clones the container's init (init_linux.py)
into its new namespaces; the init reports on a pipe once it is ready, then
blocks opening the exec fifo for writing until start opens it for reading."""
import _socket
import os
import select
import time

from services.runtime import console_linux, init_linux, proc, syscalls as sc, userns_linux
from services.runtime.executors.base import Executor, Failed

START_TIMEOUT = 30  # seconds for a released init to confirm it is past the fifo


def namespace_flags(spec: dict) -> int:
    """clone(2)'s flags for the namespaces the spec makes (not those it joins)."""
    flags = 0
    for ns in spec.get("linux", {}).get("namespaces", ()):
        # The cgroup namespace is the init's own unshare, once it is in its
        # cgroups: made here it would be rooted at the shim's.
        if not ns.get("path") and ns["type"] != "cgroup":
            flags |= sc.NAMESPACE_FLAGS[ns["type"]]
    return flags


def join_namespaces(spec: dict) -> None:
    """setns into the namespaces the spec joins by path (--pid/--ipc
    container:ID) before the clone: a pid namespace only takes effect for
    children, and the clone then makes none of its own for those types.
    The network namespace is the shim's already (netns_linux)."""
    for ns in spec.get("linux", {}).get("namespaces", ()):
        if ns.get("path") and ns["type"] not in ("network", "cgroup", "user"):
            fd = os.open(ns["path"], os.O_RDONLY | os.O_CLOEXEC)
            try:
                sc.setns(fd, sc.NAMESPACE_FLAGS[ns["type"]])
            finally:
                os.close(fd)


def wait_ready(pid: int, ready_r: int) -> None:
    """Reads the init's report to its end (the init closes the pipe before
    it waits on the fifo, or dies); Failed unless it is "ok"."""
    report = b""
    while chunk := os.read(ready_r, 4096):
        report += chunk
    os.close(ready_r)
    if not report.startswith(b"ok"):
        _, status = os.waitpid(pid, 0)
        if not report:
            report = f"err 1 container init exited ({os.waitstatus_to_exitcode(status)}) before it was ready\n".encode()
        raise Failed(report)


class Doca(Executor):
    name = "doca"

    def create(self, state: str, cfg: dict, spec: dict, stdio: tuple[int, int, int]) -> tuple[int, int | None]:
        userns = cfg.get("userns")
        terminal = bool(spec["process"].get("terminal"))
        ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
        console = console_child = None
        if terminal:  # the init makes the pty in its own devpts and sends us the master
            console, console_child = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_STREAM)
        go_r, go_w = os.pipe2(os.O_CLOEXEC) if userns else (None, None)
        join_namespaces(spec)
        pid = sc.clone(namespace_flags(spec))
        if pid == 0:
            init_linux.run(spec, cfg["bundle"], cfg.get("cgroup_view", {}), cfg["fifo"], ready_w, stdio,
                           console_child.fileno() if terminal else None, cfg.get("security"), go_r,
                           cfg.get("cgroup_join"))
        os.close(ready_w)
        if console_child is not None:
            console_child.close()
        if userns:
            # From outside, before the init goes on: its id map, and its cgroups
            # (it cannot write the host's cgroup files as an unprivileged uid).
            os.close(go_r)
            userns_linux.write_maps(pid, userns["uid"], userns["gid"], userns["size"])
            for d in cfg.get("cgroup_join") or cfg.get("cgroup_view", {}).values():
                with open(os.path.join(d, "cgroup.procs"), "w") as f:
                    f.write(str(pid))
            os.write(go_w, b"1")
            os.close(go_w)
        wait_ready(pid, ready_r)
        if console is None:
            return pid, None
        master = console_linux.recv_fd(console)
        console.close()
        return pid, master

    def path(self) -> str | None:
        return "doca"  # in the runtime service itself

    def check(self, spec: dict) -> None:
        pass  # runs whatever the runtime accepts

    def start(self, cid: str, name: str, state_dir: os.PathLike, shim: tuple[int, int]) -> None:
        fifo = os.path.join(state_dir, "exec.fifo")
        # Opening the fifo for reading releases the init, blocked opening it
        # for writing; its one byte confirms it is past the wait.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            deadline = time.monotonic() + START_TIMEOUT
            while not poller.poll(100):
                if not proc.same_process(*shim) or time.monotonic() > deadline:
                    from common.errors import FailedPrecondition  # runtime side only (base.py)
                    raise FailedPrecondition(f"container {name} exited before it started")
            # One write of the init: "0", or "E CODE MESSAGE" when the
            # program cannot start (init_linux.hold_failed_start).
            report = os.read(fd, 4096)
        finally:
            os.close(fd)
        if report.startswith(b"E "):
            from common.errors import InvalidArgument  # runtime side only (base.py)
            _, code, message = (report.decode(errors="replace").split(" ", 2) + [""])[:3]
            raise InvalidArgument(message, exit_code=int(code) if code.isdigit() else 127)
        try:
            os.unlink(fifo)
        except FileNotFoundError:
            pass

    def delete(self, cid: str, state_dir: os.PathLike) -> None:
        pass  # nothing beyond the runtime's own files
