"""One lock per key (a chain id, a container id), created on demand.

Two threads working on the same key take turns; different keys proceed in
parallel. Entries are dropped when nobody holds or waits for them.
(A general helper: it would sit well in common/ if another service needs it.)
"""
import contextlib
import threading


class KeyedLocks:
    def __init__(self):
        self._mu = threading.Lock()
        self._locks: dict[str, list] = {}  # key -> [lock, holders and waiters]

    @contextlib.contextmanager
    def hold(self, key: str):
        with self._mu:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._mu:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]
