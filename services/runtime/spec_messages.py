"""A record's spec (a dict, as stored) as the ContainerSpec message every
reply carries, parsed again only when the spec changed.

json_format.ParseDict is pure Python: ~0.6 ms for a container's spec, paid
by each Create, Start, Inspect, and by List once per container. The key is
the spec's compact JSON (json's C encoder, ~30 us), so an update or rename
that changes the dict in place is seen."""
import json
import threading

from google.protobuf import json_format

from doca.runtime.v1 import runtime_pb2 as pb

# Entries of removed containers go at Remove (drop); any other one left
# behind (a reply built while its container was being removed) goes when the
# cache has grown to twice what was live at the last prune, and at least this.
PRUNE_MIN = 64


class SpecMessages:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_id: dict[str, tuple[str, pb.ContainerSpec]] = {}
        self._prune_at = PRUNE_MIN

    def get(self, cid: str, spec: dict, live=None) -> pb.ContainerSpec:
        """A message shared between replies: copy it before changing it.
        `live()`: the ids of the containers that exist, for the prune."""
        key = json.dumps(spec, sort_keys=True, separators=(",", ":"))
        with self._lock:
            hit = self._by_id.get(cid)
        if hit is not None and hit[0] == key:
            return hit[1]
        msg = json_format.ParseDict(spec, pb.ContainerSpec())
        with self._lock:
            self._by_id[cid] = (key, msg)
            full = len(self._by_id) >= self._prune_at
        if full and live is not None:
            self._prune(set(live()) | {cid})
        return msg

    def _prune(self, keep: set[str]) -> None:
        with self._lock:
            for gone in [c for c in self._by_id if c not in keep]:
                del self._by_id[gone]
            self._prune_at = max(PRUNE_MIN, 2 * len(self._by_id))

    def drop(self, cid: str) -> None:
        """The container is removed: its entry goes."""
        with self._lock:
            self._by_id.pop(cid, None)
