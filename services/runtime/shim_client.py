"""The runtime's side of the shim: start one and read its report, tell
whether one is alive, wait for one to exit (pidfd: works for processes that
are not our children, e.g. after a restart of the runtime)."""
import os
import pathlib
import select
import subprocess
import sys
import time

from common.errors import Internal, InvalidArgument

# The directory holding the `services` package: the shim runs with `-m` from here.
CODE_ROOT = pathlib.Path(__file__).resolve().parents[2]


def start(state_dir: pathlib.Path) -> int:
    """Starts the shim for a prepared state dir; returns the init's pid once
    it is held before exec."""
    # -S -E: no site-packages, no environment tweaks: the shim needs only the
    # standard library and this tree, and starts in ~10 ms.
    proc = subprocess.Popen(
        [sys.executable, "-E", "-S", "-m", "services.runtime.shim", str(state_dir)],
        cwd=CODE_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        start_new_session=True)
    report = proc.stdout.read().decode(errors="replace").strip()
    proc.stdout.close()
    proc.wait()
    if report.startswith("ok "):
        return int(report.split()[1])
    if report.startswith("err "):
        _, code, message = (report.split(" ", 2) + [""])[:3]
        code = int(code) if code.isdigit() else 125
        if code in (126, 127):
            raise InvalidArgument(message, exit_code=code)
        raise Internal(f"cannot create the container: {message}", exit_code=125)
    raise Internal(f"the shim failed to start (exit {proc.returncode}); see the runtime log")


def alive(pid: int, state_dir: pathlib.Path) -> bool:
    """True when `pid` is still this container's shim (not a reused pid)."""
    if pid <= 0:
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return str(state_dir).encode() in f.read()
    except OSError:
        return False


def open_pidfd(pid: int, state_dir: pathlib.Path) -> int | None:
    try:
        fd = os.pidfd_open(pid)
    except (ProcessLookupError, OSError):
        return None
    if not alive(pid, state_dir):  # the pid was reused before we got the fd
        os.close(fd)
        return None
    return fd


def wait_exit(pid: int, state_dir: pathlib.Path, timeout: float | None = None,
              cancelled=lambda: False) -> bool:
    """Waits until the shim exits; False on timeout or cancellation."""
    fd = open_pidfd(pid, state_dir)
    if fd is None:
        return True
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = 1.0 if deadline is None else min(1.0, max(0.0, deadline - time.monotonic()))
            if poller.poll(step * 1000):
                return True
            if cancelled() or (deadline is not None and time.monotonic() >= deadline):
                return False
    finally:
        os.close(fd)
