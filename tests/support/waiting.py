"""Polling for what a test waits to see (a state, a file, a process)."""
import pathlib
import time


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Calls predicate() until it gives a true value, which is returned;
    after `timeout` seconds, its last (false) value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def wait_answering(proc, answers, what: str, log, timeout: float = 60, interval: float = 0.05) -> None:
    """Polls answers() until it is true while the daemon `proc` runs;
    RuntimeError with log() (the daemon's log tail) when it exits first or
    does not answer within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited {proc.returncode}:\n{log()}")
        if answers():
            return
        time.sleep(interval)
    raise RuntimeError(f"{what} not ready in {timeout}s:\n{log()}")


def log_tail(path: pathlib.Path, chars: int = 5000) -> str:
    """The end of a daemon's log, for the error of a wait ("" before it exists)."""
    try:
        return path.read_text(errors="replace")[-chars:]
    except FileNotFoundError:
        return ""
