"""Thin gRPC servicer: translate messages, call the store."""
from common import timestamps
from doca.volumes.v1 import volumes_pb2 as pb
from doca.volumes.v1 import volumes_pb2_grpc

from services.volumes.store import VolumeStore

SERVICE_NAME = "doca.volumes.v1.Volumes"


def to_message(meta: dict) -> pb.Volume:
    return pb.Volume(name=meta["name"], driver=meta["driver"], mountpoint=meta["mountpoint"],
                     created_at=timestamps.to_proto(meta["created_at"]),
                     labels=meta.get("labels", {}), used_by=meta.get("used_by", []))


class VolumesServicer(volumes_pb2_grpc.VolumesServicer):
    def __init__(self, store: VolumeStore):
        self.store = store

    def Create(self, request, context):
        return to_message(self.store.create(request.name, dict(request.labels)))

    def List(self, request, context):
        return pb.ListResponse(volumes=[to_message(m) for m in self.store.list()])

    def Inspect(self, request, context):
        return to_message(self.store.get(request.name))

    def Remove(self, request, context):
        self.store.remove(request.name, request.force)
        return pb.RemoveResponse()

    def Acquire(self, request, context):
        return to_message(self.store.acquire(request.name, request.container_id,
                                             list(request.image_layers), request.path))

    def Release(self, request, context):
        self.store.release(request.container_id)
        return pb.ReleaseResponse()
