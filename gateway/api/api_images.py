"""doca.v1.Images: passes through to the images service (commit and
system df also ask the runtime and the volumes service)."""
import contextlib

import grpc

from common import reference, request_guard
from common.errors import InvalidArgument, NotFound, Unavailable
from doca.images.v1 import images_pb2 as ipb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import images_pb2 as gipb, images_pb2_grpc
from doca.volumes.v1 import volumes_pb2 as vpb
from gateway.api import documents, image_commit, image_list, prune, volume_size
from gateway.api.api_common import struct, upstream
from gateway.api.clients import Clients


def _summary(img) -> gipb.ImageSummary:
    return gipb.ImageSummary(id=img.id, repo_tags=img.repo_tags, created=img.created, size=img.size,
                             repo_digests=img.repo_digests)


@contextlib.contextmanager
def _as_given(text: str):
    """image inspect, rmi and save name a missing image as the user wrote it,
    as Docker's daemon does there ("busybox"; the images service says
    "busybox:latest", as Docker's tag, history, run and filters do)."""
    try:
        yield
    except grpc.RpcError as e:
        if e.code() is grpc.StatusCode.NOT_FOUND and (e.details() or "").startswith("No such image: "):
            raise NotFound(f"No such image: {text}") from None
        raise


def _relay(call):
    """A server stream passed on; the upstream call is cancelled when the
    client goes away (the generator is closed) so the service stops too."""
    try:
        for chunk in call:
            yield gipb.DataChunk(data=chunk.data)
    finally:
        call.cancel()


@request_guard.guarded  # no NUL in any text field: common/request_guard.py
class ImagesServicer(images_pb2_grpc.ImagesServicer):
    def __init__(self, clients: Clients, journal, events=None):
        self.c = clients
        self.events = events  # a filtered prune's own "prune" event (the recorder sees only the service's Prune)
        self.journal = journal  # gateway.api.intents.Journal: commit's pause is undone after a crash

    def Import(self, request_iterator, context):
        def forward():
            for chunk in request_iterator:
                if chunk.HasField("header"):
                    h = chunk.header
                    yield ipb.ImportChunk(header=ipb.ImportChunk.Header(
                        reference=h.reference, message=h.message, changes=h.changes))
                else:
                    yield ipb.ImportChunk(data=chunk.data)
        return _summary(self.c.images.Import(forward()))

    def List(self, request, context):
        return image_list.list_images(self.c.images, request)

    def Inspect(self, request, context):
        with _as_given(request.reference):
            img = self.c.images.Inspect(ipb.InspectRequest(reference=request.reference))
        # Parent: the image a commit or build made it from; "" for pulled, loaded, imported ones
        return struct({**documents.image(img), "Parent": img.parent})

    def Remove(self, request, context):
        with _as_given(request.reference):
            r = self.c.images.Remove(ipb.RemoveRequest(reference=request.reference, force=request.force))
        return gipb.RemoveImageResponse(untagged=r.untagged, deleted=r.deleted)

    def Tag(self, request, context):
        try:  # the target first, in the words of Docker's CLI (which checks it before the call)
            reference.parse(request.target)
        except InvalidArgument as e:
            raise InvalidArgument(f'Error parsing reference: "{request.target}" is not a valid repository/tag: '
                                  f"{e}") from None
        return _summary(self.c.images.Tag(ipb.TagRequest(source=request.source, target=request.target)))

    def History(self, request, context):
        r = self.c.images.History(ipb.HistoryRequest(reference=request.reference))
        return gipb.ImageHistory(entries=[
            gipb.HistoryEntry(id=e.id, created=e.created, created_by=e.created_by, size=e.size,
                              comment=e.comment, empty_layer=e.empty_layer, tags=e.tags) for e in r.entries])

    def Prune(self, request, context):
        r = prune.Pruner(self.c, None, self.events).images(request.all, prune.Filters(request.filters))
        return gipb.PruneImagesResponse(untagged=r.untagged, deleted=r.deleted, space_reclaimed=r.space_reclaimed)

    def DiskUsage(self, request, context):
        u = self.c.images.DiskUsage(ipb.DiskUsageRequest())
        out = gipb.DiskUsageResponse(
            images=[gipb.ImageUsage(id=i.id, repo_tags=i.repo_tags, created=i.created, size=i.size,
                                    shared_size=i.shared_size, unique_size=i.unique_size,
                                    containers=i.containers) for i in u.images],
            layers_size=u.layers_size, images_reclaimable=u.reclaimable_size, content_size=u.content_size,
            build_cache_size=u.build_cache_size, build_cache_count=u.build_cache_count)
        if request.images_only:  # no container nor volume measured
            return out
        rw = {s.container_id: s.size for s in u.snapshots}
        out.containers.extend(
            gipb.ContainerUsage(id=ctr.id, name=ctr.name, image=ctr.spec.image, command=" ".join(ctr.spec.process.args),
                                created=ctr.created_at, state=ctr.status, size=rw.get(ctr.id, 0))
            for ctr in self.c.runtime.List(rpb.ListRequest(all=True)).containers)
        out.volumes.extend(gipb.VolumeUsage(name=v.name, links=len(v.used_by), size=volume_size.size(v.mountpoint))
                           for v in self.c.volumes.List(vpb.ListRequest()).volumes)
        return out

    def Commit(self, request, context):
        img = image_commit.commit(self.c, self.journal, request.container, request.reference, list(request.changes),
                                  request.comment, request.author, pause=not request.no_pause)
        return _summary(img)

    def Save(self, request, context):
        for ref in request.references:  # the first missing one, named as given
            with _as_given(ref):
                self.c.images.Inspect(ipb.InspectRequest(reference=ref))
        yield from _relay(self.c.images.Save(ipb.SaveRequest(references=request.references)))

    def Load(self, request_iterator, context):
        r = self.c.images.Load(ipb.DataChunk(data=c.data) for c in request_iterator)
        return gipb.LoadImagesResponse(images=[gipb.LoadedImage(id=i.id, repo_tags=i.repo_tags) for i in r.images])

    def Export(self, request, context):
        ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=request.container))
        yield from _relay(self.c.images.Export(ipb.ExportRequest(container_id=ctr.id)))

    def Build(self, request_iterator, context):
        # doca.v1's build messages are the images service's, field for field
        # (tests/unit/test_build_api.py checks it): relayed as bytes, not rebuilt.
        inputs = (ipb.BuildInput.FromString(m.SerializeToString()) for m in request_iterator)
        with _registry_errors():  # a FROM image's registry unreachable: its own message
            for event in upstream(context, self.c.images.Build(inputs)):
                yield gipb.BuildEvent.FromString(event.SerializeToString())

    def PruneBuildCache(self, request, context):
        r = self.c.images.PruneBuildCache(ipb.PruneBuildCacheRequest.FromString(request.SerializeToString()))
        return gipb.PruneBuildCacheResponse(deleted=r.deleted, space_reclaimed=r.space_reclaimed)

    # Registry: the messages are the images service's own, field for field.
    def Pull(self, request, context):
        yield from _relay_as(lambda: self.c.images.Pull(ipb.PullRequest.FromString(request.SerializeToString())),
                             gipb.TransferProgress, context)

    def Push(self, request, context):
        yield from _relay_as(lambda: self.c.images.Push(ipb.PushRequest.FromString(request.SerializeToString())),
                             gipb.TransferProgress, context)

    def Login(self, request, context):
        with _registry_errors():
            r = self.c.images.Login(ipb.LoginRequest.FromString(request.SerializeToString()))
        return gipb.LoginResponse(status=r.status, server=r.server)


@contextlib.contextmanager
def _registry_errors():
    """An unreachable registry is not an unavailable doca service: passed on
    as the registry's own error (the images service names it), not with the
    prefix a downstream UNAVAILABLE gets."""
    try:
        yield
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.UNAVAILABLE and (exc.details() or "").startswith("registry "):
            raise Unavailable(exc.details()) from None
        raise


def _relay_as(start, message_type, context):
    """A server stream passed on message by message (same fields, the
    gateway's type); cancelled upstream as soon as the client goes away,
    even while no message is coming (a stalled download)."""
    with _registry_errors():
        call = start()
        context.add_callback(call.cancel)
        try:
            for msg in call:
                yield message_type.FromString(msg.SerializeToString())
        finally:
            call.cancel()
