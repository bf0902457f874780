"""A few MiB the images store keeps for the steps that free space.

An rmi or a prune must work on a full disk (they are how space is got
back), yet they must first rewrite the store's records (tags, images.json,
leases): written to a new file and renamed, which needs room. The runtime
can go on with a record it could not write (what it says is derived again:
Store.save), but these records are the store's truth: a layer deleted while
images.json still names its image would break the store at the next start.
So the store holds <state>/reserve, a preallocated file, and a freeing step
run with the disk (nearly) full gives it back first; it is taken again
after, when there is room (else at the next freeing step or start).
"""
import contextlib
import logging
import os
import pathlib
import threading

from common.errors import is_no_space

log = logging.getLogger("doca.images.reserve")

RESERVE_BYTES = 4 * 1024 * 1024


class Reserve:
    def __init__(self, path: pathlib.Path, size: int = RESERVE_BYTES):
        self.path = pathlib.Path(path)
        self.size = size
        self._lock = threading.Lock()
        self.refill()

    def held(self) -> int:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return 0
        return st.st_blocks * 512

    def refill(self) -> bool:
        """Takes the reserve back when the disk has room for it."""
        with self._lock:
            if self.held() >= self.size:
                return True
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as e:
                if not is_no_space(e):
                    log.warning("no space reserve in %s: %s", self.path.parent, e)
                return False
            try:
                os.posix_fallocate(fd, 0, self.size)
                return True
            except OSError as e:
                # Not all of it: none of it (a partial reserve would give a
                # freeing step too little and hold space for nothing).
                self.path.unlink(missing_ok=True)
                if not is_no_space(e):
                    log.warning("no space reserve in %s: %s", self.path.parent, e)
                return False
            finally:
                os.close(fd)

    def release(self) -> bool:
        with self._lock:
            if not self.path.exists():
                return False
            self.path.unlink()
            log.warning("the disk of %s is full: its space reserve is given to a step that frees space",
                        self.path.parent)
            return True

    @contextlib.contextmanager
    def for_freeing(self):
        """Around a step that frees space (rmi, prune): with less free than
        the reserve, the reserve is given back first so that the step's
        records find room; taken again after."""
        st = os.statvfs(self.path.parent)
        if st.f_bavail * st.f_frsize < self.size:
            self.release()
        try:
            yield
        finally:
            try:
                self.refill()
            except OSError as e:
                log.warning("taking the space reserve back: %s", e)
