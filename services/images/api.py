"""Thin gRPC servicer: translate messages, call the domain modules."""
from common import request_guard, timestamps, validate
from common.errors import InvalidArgument
from doca.images.v1 import images_pb2 as pb
from doca.images.v1 import images_pb2_grpc

from services.images import commit, counters, export, history, importer, load, prune, remove, save, usage
from services.images.build import api as build_api
from services.images.registry import api as registry_api
from services.images.service import ImageService, ImageView

SERVICE_NAME = "doca.images.v1.Images"
CHUNK = 1 << 20  # well under gRPC's 4 MiB message limit


def to_message(v: ImageView) -> pb.Image:
    return pb.Image(id=v.id, repo_tags=v.repo_tags, manifest_digest=v.manifest_digest,
                    created=timestamps.to_proto(v.created), size=v.size,
                    config=pb.ImageConfig(**v.config), diff_ids=v.diff_ids,
                    architecture=v.architecture, os=v.os, comment=v.comment, author=v.author,
                    repo_digests=v.repo_digests, parent=v.parent)


# The API's ImageConfig fields -> the OCI config's keys, for commit.
_CONFIG_KEYS = {"env": "Env", "cmd": "Cmd", "entrypoint": "Entrypoint", "working_dir": "WorkingDir",
                "user": "User", "labels": "Labels", "stop_signal": "StopSignal"}


def config_dict(msg: pb.ImageConfig) -> dict:
    out = {}
    for field, key in _CONFIG_KEYS.items():
        value = getattr(msg, field)
        out[key] = dict(value) if field == "labels" else (value if isinstance(value, str) else list(value))
    return out


def _import_stream(request_iterator):
    """(header, iterator of data chunks) from an ImportChunk stream."""
    first = next(request_iterator, None)
    if first is None or first.WhichOneof("part") != "header":
        raise InvalidArgument("an import stream starts with a header message (reference, message)")
    if first.header.reference:
        validate.image_ref(first.header.reference)

    def chunks():
        for msg in request_iterator:
            if msg.WhichOneof("part") != "data":
                raise InvalidArgument("only data messages may follow the import header")
            yield msg.data
    return first.header, chunks()


def _rechunk(parts):
    """Small pieces (tar headers) gathered, big ones cut: messages of ~CHUNK."""
    buf = bytearray()
    for part in parts:
        if not buf and len(part) == CHUNK:
            yield pb.DataChunk(data=part)
            continue
        buf += part
        while len(buf) >= CHUNK:
            yield pb.DataChunk(data=bytes(buf[:CHUNK]))
            del buf[:CHUNK]
    if buf:
        yield pb.DataChunk(data=bytes(buf))


def _build_options(first):
    """The build's names checked here; the Dockerfile's path is the
    context's business (it never leaves the context)."""
    if first is not None and first.WhichOneof("part") == "options":
        o = first.options
        for tag in o.tags:
            validate.image_ref(tag, "tag")
        validate.text(o.dockerfile, "Dockerfile path", validate.PATH_MAX)
        validate.text(o.target, "target stage")
        validate.ref(o.network, "network")
    return first


def _with_first(first, rest):
    if first is not None:
        yield first
    yield from rest


# Every text field of every request is NUL-free (request_guard); each
# reference, id and name is checked by kind (common.validate) before the
# domain modules see it: a container id names a snapshot directory.
@request_guard.guarded
class ImagesServicer(images_pb2_grpc.ImagesServicer):
    def __init__(self, svc: ImageService, builder=None):
        self.svc = svc
        self.builder = builder  # build.builder.Builder; None: no runtime to build with

    def Import(self, request_iterator, context):
        header, chunks = _import_stream(request_iterator)
        image_id = importer.import_tar(self.svc, chunks, header.reference, header.message,
                                       list(header.changes))
        return to_message(self.svc.inspect(image_id))

    def List(self, request, context):
        return pb.ListResponse(images=[to_message(v) for v in self.svc.list_images(request.all)])

    def Inspect(self, request, context):
        return to_message(self.svc.inspect(validate.image_ref(request.reference)))

    def Remove(self, request, context):
        untagged, deleted = remove.remove(self.svc, validate.image_ref(request.reference), request.force)
        return pb.RemoveResponse(untagged=untagged, deleted=deleted)

    def PrepareSnapshot(self, request, context):
        return pb.Snapshot(**self.svc.prepare_snapshot(validate.image_ref(request.image),
                                                       validate.key(request.container_id)))

    def RemoveSnapshot(self, request, context):
        self.svc.remove_snapshot(validate.key(request.container_id))
        return pb.RemoveSnapshotResponse()

    def ListSnapshots(self, request, context):
        building = self.builder.container_ids() if self.builder is not None else set()
        return pb.ListSnapshotsResponse(snapshots=[
            pb.Snapshot(container_id=r["container_id"], image_id=r.get("image_id", ""))
            for r in self.svc.snapshots.all() if r.get("container_id") not in building])

    def Tag(self, request, context):
        return to_message(self.svc.inspect(self.svc.tag(validate.image_ref(request.source),
                                                        validate.image_ref(request.target, "target reference"))))

    def History(self, request, context):
        return pb.HistoryResponse(entries=[
            pb.HistoryEntry(id=e.id, created=timestamps.to_proto(e.created), created_by=e.created_by,
                            size=e.size, comment=e.comment, empty_layer=e.empty_layer, tags=e.tags)
            for e in history.history(self.svc, validate.image_ref(request.reference))])

    def Prune(self, request, context):
        r = prune.prune(self.svc, request.all)
        return pb.PruneResponse(untagged=r.untagged, deleted=r.deleted, space_reclaimed=r.space_reclaimed)

    def DiskUsage(self, request, context):
        u = usage.usage(self.svc)
        return pb.DiskUsageResponse(
            images=[pb.ImageUsage(id=i.id, repo_tags=i.repo_tags, created=timestamps.to_proto(i.created),
                                  size=i.size, shared_size=i.shared_size, unique_size=i.unique_size,
                                  containers=i.containers) for i in u.images],
            snapshots=[pb.SnapshotUsage(container_id=s.container_id, image_id=s.image_id, size=s.size)
                       for s in u.snapshots],
            layers_size=u.layers_size, reclaimable_size=u.reclaimable_size,
            content_size=u.content_size, build_cache_size=u.build_cache_size,
            build_cache_count=u.build_cache_count)

    def Figures(self, request, context):
        u = usage.usage(self.svc, snapshot_sizes=False)
        done = counters.snapshot()
        return pb.EngineFigures(
            images=len(u.images), layers=len(self.svc.layers.chain_ids()), layers_bytes=u.layers_size,
            content_bytes=u.content_size, pulled_bytes=done[counters.PULLED_BYTES],
            pushed_bytes=done[counters.PUSHED_BYTES], build_cache_hits=done[counters.BUILD_CACHE_HITS],
            build_cache_misses=done[counters.BUILD_CACHE_MISSES])

    def Commit(self, request, context):
        if request.reference:
            validate.image_ref(request.reference)
        image_id = commit.commit(
            self.svc, validate.key(request.container_id), tag=request.reference,
            container_config=config_dict(request.container_config) if request.HasField("container_config") else None,
            changes=list(request.changes), comment=request.comment, author=request.author,
            created_by=request.created_by)
        return to_message(self.svc.inspect(image_id))

    def Save(self, request, context):
        yield from _rechunk(save.save(self.svc, [validate.image_ref(r) for r in request.references]))

    def Load(self, request_iterator, context):
        loaded = load.load(self.svc, (msg.data for msg in request_iterator))
        return pb.LoadResponse(images=[pb.LoadedImage(id=i.image_id, repo_tags=i.tags) for i in loaded])

    def Export(self, request, context):
        yield from _rechunk(export.export(self.svc, validate.key(request.container_id)))

    def Build(self, request_iterator, context):
        first = _build_options(next(request_iterator, None))
        yield from build_api.build(self.builder, _with_first(first, request_iterator), context)

    def PruneBuildCache(self, request, context):
        return build_api.prune(self.builder, request)

    def Pull(self, request, context):
        validate.image_ref(request.reference)
        yield from registry_api.pull(self.svc, request, context)

    def Push(self, request, context):
        validate.image_ref(request.reference)
        yield from registry_api.push(self.svc, request, context)

    def Login(self, request, context):
        validate.text(request.server, "registry server")
        return registry_api.login(self.svc, request)
