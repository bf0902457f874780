"""Just enough inotify (through ctypes) to follow a growing log file
without polling it."""
import ctypes
import os
import queue
import threading

_libc = ctypes.CDLL(None, use_errno=True)
IN_MODIFY = 0x2
IN_CLOSE_WRITE = 0x8
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC


class Watch:
    def __init__(self, path: str, mask: int = IN_MODIFY | IN_CLOSE_WRITE):
        self.fd = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if _libc.inotify_add_watch(self.fd, path.encode(), mask) < 0:
            err = ctypes.get_errno()
            os.close(self.fd)
            raise OSError(err, f"inotify_add_watch {path}")

    def fileno(self) -> int:
        return self.fd

    def drain(self) -> None:
        try:
            while os.read(self.fd, 4096):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        # Closing an inotify instance waits for an SRCU grace period (~8 ms
        # here): hand it to a thread so the caller's request does not wait.
        _closing.put(self.fd)
        _start_closer()


class Watches:
    """One inotify instance watching many paths (one instance per path
    would run into fs.inotify.max_user_instances, 128 by default)."""

    def __init__(self):
        self.fd = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")

    def add(self, path: str, mask: int) -> int:
        wd = _libc.inotify_add_watch(self.fd, path.encode(), mask)
        if wd < 0:
            err = ctypes.get_errno()
            raise OSError(err, f"inotify_add_watch {path}")
        return wd

    def remove(self, wd: int) -> None:
        _libc.inotify_rm_watch(self.fd, wd)  # gone already when its directory was removed: fine

    fileno = Watch.fileno
    drain = Watch.drain
    close = Watch.close


_closing: "queue.SimpleQueue[int]" = queue.SimpleQueue()
_closer_lock = threading.Lock()
_closer: threading.Thread | None = None


def _close_forever() -> None:
    while True:
        os.close(_closing.get())


def _start_closer() -> None:
    global _closer
    with _closer_lock:
        if _closer is None:
            _closer = threading.Thread(target=_close_forever, name="inotify-closer", daemon=True)
            _closer.start()


