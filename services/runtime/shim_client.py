"""The runtime's side of the shim: start one and read its report, tell
whether one is alive, wait for one to exit (pidfd: works for processes that
are not our children, e.g. after a restart of the runtime).

Shims are forked by a zygote (shim_zygote.py), one pre-imported,
single-threaded Python process started with the runtime: a fork instead of
an interpreter start and imports (~18 ms of CPU) for each container. The
zygote exits when the runtime does (EOF on its channel); one that dies is
started again, and a create it could not serve starts its shim afresh."""
import logging
import os
import pathlib
import select
import socket
import subprocess
import sys
import threading
import time

from common.errors import Internal, InvalidArgument
from services.runtime import inotify, proc as procs, sealed_exe

# The directory holding the `services` package: the shim runs with `-m` from here.
CODE_ROOT = pathlib.Path(__file__).resolve().parents[2]
# -S -E: no site-packages, no environment tweaks: the shim needs only the
# standard library and this tree.
SHIM = [sys.executable, "-E", "-S", "-m", "services.runtime.shim"]
# DOCA_SHIM_ZYGOTE=0: every shim started afresh (for comparison).
USE_ZYGOTE = os.environ.get("DOCA_SHIM_ZYGOTE", "1") != "0"

log = logging.getLogger("doca.runtime.shim")


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    return data


class Zygote:
    """One fork server and our end of its channel."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen([*SHIM, "--zygote"], executable=sealed_exe.interpreter(), cwd=CODE_ROOT,
                                         stdin=theirs.fileno(),
                                         stdout=subprocess.DEVNULL, start_new_session=True)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.sock = ours
        self.pid = self.proc.pid
        self.started = time.monotonic()
        self.exited = threading.Event()

    def request(self, state_dir: pathlib.Path) -> bytes | None:
        """The shim's report, or None when the zygote did not take the
        request (it is gone, or could not fork): nothing was started."""
        r, w = os.pipe2(os.O_CLOEXEC)
        try:
            try:
                socket.send_fds(self.sock, [os.fsencode(state_dir)], [w])
            except OSError:
                return None
            finally:
                os.close(w)
            report = _read_all(r)
        finally:
            os.close(r)
        return report[1:] if report.startswith(b"+") else None

    def wait(self) -> int:
        # (The socket stays open: a request may be on its way through it; it
        # is closed with the last reference to this object.)
        code = self.proc.wait()
        self.exited.set()
        return code

    def close(self, timeout: float = 5.0) -> None:
        """EOF on the channel: the zygote exits; the shims it made do not."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if not self.exited.wait(timeout):
            self.proc.kill()
            self.exited.wait(timeout)


class Launcher:
    def __init__(self, zygote: bool = USE_ZYGOTE):
        self._lock = threading.Lock()
        self._use_zygote = zygote
        self._zygote: Zygote | None = None
        self._closed = False
        self._failures = 0  # zygotes in a row that died young
        self._next_try = 0.0

    def prepare(self) -> None:
        """Starts the zygote (the runtime calls this when it starts)."""
        self._current()

    def _current(self) -> Zygote | None:
        """The running zygote, started if there is none (and none died young
        a moment ago: then creates start their shims afresh for a while)."""
        if not self._use_zygote:
            return None
        with self._lock:
            z = self._zygote
            if z is not None and not z.exited.is_set():
                return z
            if self._closed or time.monotonic() < self._next_try:
                return None
            try:
                z = self._zygote = Zygote()
            except OSError as e:
                log.warning("cannot start the shim zygote: %s", e)
                self._next_try = time.monotonic() + 1.0
                return None
        threading.Thread(target=self._watch, args=(z,), name="shim-zygote", daemon=True).start()
        return z

    def _watch(self, z: Zygote) -> None:
        """Reaps the zygote when it exits and starts another one."""
        code = z.wait()
        with self._lock:
            if self._zygote is z:
                self._zygote = None
            if self._closed:
                return
            young = time.monotonic() - z.started < 2.0
            self._failures = self._failures + 1 if young else 0
            self._next_try = time.monotonic() + (min(30.0, 0.1 * 2 ** self._failures) if young else 0.0)
        log.warning("the shim zygote (pid %d) exited (%s); starting another", z.pid, code)
        delay = self._next_try - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._current()

    def _lost(self, z: Zygote) -> None:
        """A request the zygote did not take: if the zygote is gone (it has
        closed its fds; its watcher is about to reap it), forget it at once."""
        if z.exited.wait(0.2):
            with self._lock:
                if self._zygote is z:
                    self._zygote = None

    def _fresh(self, state_dir: pathlib.Path) -> tuple[bytes, int | None]:
        """A shim started afresh (interpreter start and imports)."""
        shim = subprocess.Popen([*SHIM, str(state_dir)], executable=sealed_exe.interpreter(), cwd=CODE_ROOT,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, start_new_session=True)
        report = shim.stdout.read()
        shim.stdout.close()
        return report, shim.wait()

    def start(self, state_dir: pathlib.Path) -> tuple[int, int, int]:
        """Hands a prepared state dir to a shim; returns (init pid, shim pid,
        shim start time) once the init is held before exec."""
        report, code = None, None
        for _ in range(2):  # the zygote, or a new one if it just died
            z = self._current()
            if z is None:
                break
            report = z.request(state_dir)
            if report is not None:
                break
            self._lost(z)
        if report is None:
            report, code = self._fresh(state_dir)
        report = report.decode(errors="replace").strip()
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
        how = f"exit {code}" if code is not None else "no report"
        raise Internal(f"the shim failed to start ({how}); see the runtime log")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            z, self._zygote = self._zygote, None
        if z is not None:
            z.close()


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
