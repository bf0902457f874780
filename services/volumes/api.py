"""Thin gRPC servicer: translate messages, call the store."""
from common import request_guard, timestamps, validate
from doca.volumes.v1 import volumes_pb2 as pb
from doca.volumes.v1 import volumes_pb2_grpc

from services.volumes.store import VolumeStore

SERVICE_NAME = "doca.volumes.v1.Volumes"


def to_message(meta: dict) -> pb.Volume:
    return pb.Volume(name=meta["name"], driver=meta["driver"], mountpoint=meta["mountpoint"],
                     created_at=timestamps.to_proto(meta["created_at"]),
                     labels=meta.get("labels", {}), used_by=meta.get("used_by", []), options=meta.get("options", {}),
                     declared=meta.get("declared", False))


def _name(name: str) -> str:
    """A volume's name is its directory: Docker's rule, matched whole."""
    return validate.volume_name(name)


@request_guard.guarded
class VolumesServicer(volumes_pb2_grpc.VolumesServicer):
    def __init__(self, store: VolumeStore):
        self.store = store

    def Create(self, request, context):
        # no name: the store makes one (an anonymous volume)
        return to_message(self.store.create(_name(request.name) if request.name else "", dict(request.labels),
                                            dict(request.options), request.declared))

    def List(self, request, context):
        return pb.ListResponse(volumes=[to_message(m) for m in self.store.list()])

    def Inspect(self, request, context):
        return to_message(self.store.get(_name(request.name)))

    def Remove(self, request, context):
        self.store.remove(_name(request.name), request.force)
        return pb.RemoveResponse()

    def Acquire(self, request, context):
        # The image's layers are copied into an empty volume from `path`:
        # host directories and a container path, checked before populate.py.
        layers = [validate.host_path(d, "image layer directory") for d in request.image_layers]
        if layers or request.path:
            validate.absolute(request.path, "volume path in the container")
        return to_message(self.store.acquire(_name(request.name), validate.key(request.container_id),
                                             layers, request.path))

    def Release(self, request, context):
        self.store.release(validate.key(request.container_id))
        return pb.ReleaseResponse()
