"""doca.v1.Volumes: passes through to the volumes service."""
from common import request_guard
from common.errors import InvalidArgument, NotFound
from doca.v1 import volumes_pb2 as gvpb, volumes_pb2_grpc
from doca.volumes.v1 import volumes_pb2 as vpb
from gateway.api import documents, list_filters, volume_size
from gateway.api.api_common import struct
from gateway.api.clients import Clients
from gateway.api.prune import Filters, Pruner


@request_guard.guarded  # no NUL in any text field: common/request_guard.py
class VolumesServicer(volumes_pb2_grpc.VolumesServicer):
    def __init__(self, clients: Clients, events=None):
        self.c = clients
        self.events = events  # prune's own "prune" event

    def Create(self, request, context):
        if request.driver not in ("", "local"):  # the only driver, and no plugins: Docker's words
            raise NotFound(f"create {request.name}: error looking up volume plugin {request.driver}: "
                           f'plugin "{request.driver}" not found')
        vol = self.c.volumes.Create(vpb.CreateRequest(name=request.name, labels=dict(request.labels),
                                                      options=dict(request.driver_opts), declared=True))
        return struct(_document(vol))

    def List(self, request, context):
        f = list_filters.parse(request.filters, list_filters.VOLUME_KEYS)
        list_filters.boolean(f, "dangling")  # a bad value is refused even with no volume
        vols = [v for v in self.c.volumes.List(vpb.ListRequest()).volumes if list_filters.volume_matches(f, {
            "name": v.name, "driver": v.driver, "labels": dict(v.labels), "used": bool(v.used_by)})]
        return gvpb.ListVolumesResponse(volumes=[
            gvpb.VolumeSummary(name=v.name, driver=v.driver, mountpoint=v.mountpoint, labels=dict(v.labels))
            for v in vols])

    def Inspect(self, request, context):
        return struct(_document(self.c.volumes.Inspect(vpb.InspectRequest(name=request.name))))

    def Remove(self, request, context):
        self.c.volumes.Remove(vpb.RemoveRequest(name=request.name, force=request.force))
        return gvpb.RemoveVolumeResponse()

    def Prune(self, request, context):
        """volume prune: label, label! and (Docker 23+) all=true|false;
        Docker refuses until here."""
        everything, rest = request.all, []
        for item in request.filters:
            key, _, value = item.partition("=")
            if key == "all":
                if value.lower() not in list_filters.BOOLS:
                    raise InvalidArgument(f"invalid filter 'all={value}'")
                everything = everything or list_filters.BOOLS[value.lower()]
            elif key in ("label", "label!"):
                rest.append(item)
            else:  # Docker's words: the key alone
                raise InvalidArgument(f"invalid filter '{key}'")
        # sizes taken before they go (Docker's SpaceReclaimed): the unused ones only
        sizes = {v.name: volume_size.size(v.mountpoint)
                 for v in self.c.volumes.List(vpb.ListRequest()).volumes if not v.used_by}
        deleted = Pruner(self.c, None, self.events).volumes(Filters(rest), everything)
        return gvpb.PruneVolumesResponse(deleted=deleted, space_reclaimed=sum(sizes.get(n, 0) for n in deleted))


def _document(vol) -> dict:
    """Docker's: a volume `volume create` made shows empty Labels and Options
    as {}; one a container's mount made, as null."""
    doc = documents.volume(vol)
    if vol.declared:
        doc.update(Labels=dict(vol.labels), Options=dict(vol.options))
    return doc
