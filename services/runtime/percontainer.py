"""What the runtime keeps per container beside its record (parsed spec
messages, stats' previous readings) must go with the container. Remove
drops an entry; one left behind (written while its container was being
removed) goes at the next prune, when the map has grown to twice what was
live at the last one (and at least PRUNE_MIN): amortized, no scan per call.
bench/soak.py found ~8 KiB kept per removed container before."""
import threading

PRUNE_MIN = 64


class PerContainer:
    def __init__(self, live=None):
        """`live()`: the ids of the containers that exist, for the prune."""
        self._lock = threading.Lock()
        self._by_id: dict = {}
        self._prune_at = PRUNE_MIN
        self._live = live

    def get(self, cid: str, default=None):
        with self._lock:
            return self._by_id.get(cid, default)

    def put(self, cid: str, value, live=None) -> None:
        """`live`: this call's way to the living ids, else the map's own."""
        live = live or self._live
        with self._lock:
            self._by_id[cid] = value
            full = len(self._by_id) >= self._prune_at
        if full and live is not None:
            keep = set(live()) | {cid}
            with self._lock:
                for gone in [c for c in self._by_id if c not in keep]:
                    del self._by_id[gone]
                self._prune_at = max(PRUNE_MIN, 2 * len(self._by_id))

    def drop(self, cid: str) -> None:
        with self._lock:
            self._by_id.pop(cid, None)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):
        with self._lock:
            return iter(list(self._by_id))
