"""A record's spec (typed: model.py) as the ContainerSpec message every
reply carries, made again only when the spec changed. A spec is never
changed in place (an update or rename makes a new one), so the spec object
itself is the key. A message costs ~50 us (model.to_message), paid by each
Create, Start, Inspect, and by List once per container without this.
Kept per container, dropped with it (percontainer.py)."""
from doca.runtime.v1 import runtime_pb2 as pb
from services.runtime import model
from services.runtime.percontainer import PerContainer


class SpecMessages:
    def __init__(self):
        self._by_id = PerContainer()  # cid -> (the spec, its message)

    def get(self, cid: str, spec: model.ContainerSpec, live=None) -> pb.ContainerSpec:
        """A message shared between replies: copy it before changing it.
        `live()`: the ids of the containers that exist, for the prune."""
        hit = self._by_id.get(cid)
        if hit is not None and hit[0] is spec:
            return hit[1]
        msg = model.to_message(spec, pb.ContainerSpec())
        self._by_id.put(cid, (spec, msg), live)
        return msg

    def drop(self, cid: str) -> None:
        """The container is removed: its entry goes."""
        self._by_id.drop(cid)
