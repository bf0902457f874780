"""Named crash points for the fault suite: a process that reaches the point
named in the file $DOCA_CRASH_FILE kills itself with SIGKILL, once.

Multi-service flows (create, remove, commit, build, pull, ...) call
`reached("gateway.create.snapshot")` between their steps. Without the
environment variable (every real deployment) that is one dict lookup. With
it, the test writes a point's name into the file; the first process to
reach that point takes the file (a rename: only one can) and dies there, as
a kill -9 from an operator would kill it, so the service's restart must
find and finish or undo what the interrupted step left.
"""
import os
import signal

_FILE = os.environ.get("DOCA_CRASH_FILE") or None


def reached(point: str) -> None:
    if _FILE is None:
        return
    try:
        with open(_FILE) as f:
            wanted = f.read().strip()
    except OSError:
        return
    if wanted != point:
        return
    try:
        os.rename(_FILE, f"{_FILE}.fired")  # taken: a restarted process goes on
    except OSError:
        return
    os.kill(os.getpid(), signal.SIGKILL)
