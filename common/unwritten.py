"""Writes a full disk held back, for the steps that free space.

A stop, a kill, a removal, a release of ports or of a volume frees space and
must not need it: with zero bytes free its record is kept as it is in memory,
the step carries on, and the file is written when there is room again (the
next write of the same store that succeeds, else a retry every few seconds).
What needs space (a create, a new record) fails as before, RESOURCE_EXHAUSTED.

One `Unwritten` per store: each held-back write is keyed (a path, an id) and
is a function that writes the key's state *as it is when called* (so a later
change of the same key is what gets written, and a write of the key that
succeeds meanwhile settles it).

Why not a reserve file released when space runs out: whatever writes the
disk full (a container's rootfs is often on the same filesystem) takes the
released space first. The cost: a service restarted while the disk is still
full reads the older records (each store says what it derives again).
"""
import logging
import threading
import time
from typing import Callable, Hashable

from common.errors import is_no_space

log = logging.getLogger("doca.unwritten")

# Seconds between attempts at the writes a full disk held back.
RETRY = 5.0


class Unwritten:
    def __init__(self, what: str, lock, retry: float = RETRY):
        """`what` names the store in the log; `lock` is the store's, held by
        every write of it (the retries take it too)."""
        self.what = what
        self.lock = lock
        self.retry = retry
        self._pending: dict[Hashable, Callable[[], None]] = {}
        self._retrier: threading.Thread | None = None

    def write(self, key: Hashable, write: Callable[[], None], freeing: bool) -> bool:
        """Calls `write`. A full disk raises unless the write is `freeing`:
        then it is held back (False). Written: True, and the key's earlier
        held-back write is settled, the others tried while there is room.
        Called with the store's lock held."""
        try:
            write()
        except OSError as e:
            if not freeing or not is_no_space(e):
                raise
            self.keep(key, write, e)
            return False
        self._pending.pop(key, None)
        if self._pending:
            self.flush()
        return True

    def keep(self, key: Hashable, write: Callable[[], None], error: BaseException | None = None) -> None:
        """Holds `write` back until there is room (with the store's lock held)."""
        if key not in self._pending:
            log.warning("%s: %s waits for space to be written (%s)", self.what, key, error)
        self._pending[key] = write
        if self.retry and (self._retrier is None or not self._retrier.is_alive()):
            self._retrier = threading.Thread(target=self._retry_loop, name=f"unwritten-{self.what}", daemon=True)
            self._retrier.start()

    def discard(self, key: Hashable) -> None:
        """Nothing to write for `key` any more (its file was deleted)."""
        self._pending.pop(key, None)

    def flush(self) -> bool:
        """Writes what was held back while there is room (with the store's
        lock held); True when nothing is left."""
        for key in list(self._pending):
            write = self._pending.get(key)
            if write is None:
                continue
            try:
                write()
            except OSError as e:
                if is_no_space(e):
                    return False
                # Waiting for space will not help: given up, said once.
                log.warning("%s: writing %s: %s (given up)", self.what, key, e)
                self._pending.pop(key, None)
                continue
            if self._pending.get(key) is write:
                del self._pending[key]
            log.info("%s: %s is written again", self.what, key)
        return not self._pending

    def _retry_loop(self) -> None:
        while True:
            time.sleep(self.retry)
            with self.lock:
                if self.flush():
                    self._retrier = None
                    return

    def __contains__(self, key: Hashable) -> bool:
        return key in self._pending

    def __bool__(self) -> bool:
        return bool(self._pending)

    def keys(self) -> list:
        return list(self._pending)


class OneFile:
    """For a store kept in one file (`self.path`, written whole by
    `self._write()`), with an optional `self.unwritten` (Unwritten or None):
    its saves and the forgetting of a deleted file."""

    def _save(self, freeing: bool = False) -> None:
        """Writes the records as they are; a full disk fails it unless the
        change frees (`freeing`): then it is written when there is room."""
        if self.unwritten is None:
            self._write()
        else:
            self.unwritten.write(str(self.path), self._write, freeing)

    def forget(self) -> None:
        """The file was deleted (its network removed): nothing to write."""
        if self.unwritten is not None:
            self.unwritten.discard(str(self.path))
