"""A record's spec (a dict, as stored) as the ContainerSpec message every
reply carries, parsed again only when the spec changed.

json_format.ParseDict is pure Python: ~0.6 ms for a container's spec, paid
by each Create, Start, Inspect, and by List once per container. The key is
the spec's compact JSON (json's C encoder, ~30 us), so an update or rename
that changes the dict in place is seen. Kept per container, dropped with
it (percontainer.py)."""
import json

from google.protobuf import json_format

from doca.runtime.v1 import runtime_pb2 as pb
from services.runtime.percontainer import PerContainer


class SpecMessages:
    def __init__(self):
        self._by_id = PerContainer()  # cid -> (the spec's JSON, its message)

    def get(self, cid: str, spec: dict, live=None) -> pb.ContainerSpec:
        """A message shared between replies: copy it before changing it.
        `live()`: the ids of the containers that exist, for the prune."""
        key = json.dumps(spec, sort_keys=True, separators=(",", ":"))
        hit = self._by_id.get(cid)
        if hit is not None and hit[0] == key:
            return hit[1]
        msg = json_format.ParseDict(spec, pb.ContainerSpec())
        self._by_id.put(cid, (key, msg), live)
        return msg

    def drop(self, cid: str) -> None:
        """The container is removed: its entry goes."""
        self._by_id.drop(cid)
