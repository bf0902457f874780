"""The runtime's side of the shim: start one and read its report, tell
whether one is alive, wait for one to exit (pidfd: works for processes that
are not our children, e.g. after a restart of the runtime).

A spare shim is kept started ahead of need: the interpreter's start-up and
imports (~15 ms) are paid before a create asks for it, not during."""
import os
import pathlib
import select
import subprocess
import sys
import threading
import time

from common.errors import Internal, InvalidArgument
from services.runtime import inotify, proc as procs

# The directory holding the `services` package: the shim runs with `-m` from here.
CODE_ROOT = pathlib.Path(__file__).resolve().parents[2]


class Launcher:
    def __init__(self):
        self._lock = threading.Lock()
        self._spare: subprocess.Popen | None = None

    def _spawn(self) -> subprocess.Popen:
        # -S -E: no site-packages, no environment tweaks: the shim needs only the
        # standard library and this tree.
        return subprocess.Popen(
            [sys.executable, "-E", "-S", "-m", "services.runtime.shim", "--spare"],
            cwd=CODE_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)

    def _take(self) -> subprocess.Popen:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None or spare.poll() is not None:
            return self._spawn()
        return spare

    def prepare(self) -> None:
        """Starts a spare shim if none waits."""
        self._refill()

    def _refill(self) -> None:
        with self._lock:
            if self._spare is None:
                self._spare = self._spawn()

    def start(self, state_dir: pathlib.Path) -> tuple[int, int, int]:
        """Hands a prepared state dir to a shim; returns (init pid, shim pid,
        shim start time) once the init is held before exec."""
        shim = self._take()
        try:
            shim.stdin.write(f"{state_dir}\n".encode())
            shim.stdin.close()
            report = shim.stdout.read().decode(errors="replace").strip()
            shim.stdout.close()
            shim.wait()
        finally:
            self._refill()
        if report.startswith("ok "):
            init_pid = int(report.split()[1])
            _, shim_pid, started = (state_dir / "init.pid").read_text().split()
            return init_pid, int(shim_pid), int(started)
        if report.startswith("err "):
            _, code, message = (report.split(" ", 2) + [""])[:3]
            code = int(code) if code.isdigit() else 125
            if code in (126, 127):
                raise InvalidArgument(message, exit_code=code)
            raise Internal(f"cannot create the container: {message}", exit_code=125)
        raise Internal(f"the shim failed to start (exit {shim.returncode}); see the runtime log")

    def close(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.stdin.close()  # EOF: the spare exits without doing anything
            spare.stdout.close()
            spare.wait()


def alive(pid: int, started: int) -> bool:
    """True when `pid` is still the shim that started at `started`."""
    return procs.same_process(pid, started)


def open_pidfd(pid: int, started: int) -> int | None:
    try:
        fd = os.pidfd_open(pid)
    except (ProcessLookupError, OSError):
        return None
    if not alive(pid, started):  # the pid was reused before we got the fd
        os.close(fd)
        return None
    return fd


class ExitWatch:
    """Becomes ready when the container has exited: the shim wrote exit.json
    (after draining the output: the log is complete), or the shim died.

    exit.json, not the shim's own exit, is the signal: the shim's exit tears
    down its mount namespace, which costs the kernel an RCU grace period."""

    def __init__(self, pid: int, started: int, state_dir: pathlib.Path):
        self.exit_file = pathlib.Path(state_dir) / "exit.json"
        self.watch = inotify.Watch(str(state_dir), inotify.IN_MOVED_TO | inotify.IN_CLOSE_WRITE)
        self.pidfd = open_pidfd(pid, started)
        self.poller = select.poll()
        self.poller.register(self.watch.fileno(), select.POLLIN)
        if self.pidfd is not None:
            self.poller.register(self.pidfd, select.POLLIN)

    def done(self) -> bool:
        if self.pidfd is None or self.exit_file.exists():
            return True
        return any(fd == self.pidfd for fd, _ in self.poller.poll(0))

    def fds(self) -> list[int]:
        return [self.watch.fileno()] + ([self.pidfd] if self.pidfd is not None else [])

    def drain(self) -> None:
        self.watch.drain()

    def wait(self, seconds: float) -> bool:
        """Waits up to `seconds` for anything to happen; True once done."""
        if self.done():
            return True
        self.poller.poll(seconds * 1000)
        self.watch.drain()
        return self.done()

    def close(self) -> None:
        self.watch.close()
        if self.pidfd is not None:
            os.close(self.pidfd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_exit(pid: int, started: int, state_dir: pathlib.Path, timeout: float | None = None,
              cancelled=lambda: False) -> bool:
    """Waits until the container has exited; False on timeout or cancellation."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with ExitWatch(pid, started, state_dir) as w:
        while True:
            step = 1.0 if deadline is None else min(1.0, max(0.0, deadline - time.monotonic()))
            if w.wait(step):
                return True
            if cancelled() or (deadline is not None and time.monotonic() >= deadline):
                return False
