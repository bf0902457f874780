"""One process per store: each service (and `doca daemon`) holds a lock
on the data root for as long as it lives, so a second
daemon started on the same root cannot run a second runtime or images
service beside the first one's (both would reap the same shims, rewrite
the same records and fight over the sockets).

A POSIX record lock (lockf): it goes with the process that took it, never
with the children it forks (the runtime's shims outlive it by design, and
must not keep its lock)."""
import fcntl
import logging
import os
import pathlib

_held: list[int] = []  # the locks' descriptors, open for the process's life


class AlreadyRunning(Exception):
    pass


def hold(root: pathlib.Path, what: str) -> None:
    """Locks <root>/.<what>.lock (beside the state directories, which
    hold only what their service lists)."""
    path = pathlib.Path(root) / f".{what}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise AlreadyRunning(f"another doca {what} (pid {holder}) is running on {root}: "
                             "stop it first (one doca daemon per --root)") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held.append(fd)


def hold_or_exit(root: pathlib.Path, what: str) -> None:
    """hold(), or the process ends with the reason as its one line."""
    try:
        hold(root, what)
    except AlreadyRunning as e:
        logging.getLogger(f"doca.{what}").error("%s", e)
        raise SystemExit(1) from None
