"""Thin gRPC servicer: translate messages, call the domain modules."""
from common import timestamps
from common.errors import InvalidArgument
from doca.images.v1 import images_pb2 as pb
from doca.images.v1 import images_pb2_grpc

from services.images import importer, remove
from services.images.service import ImageService, ImageView

SERVICE_NAME = "doca.images.v1.Images"


def to_message(v: ImageView) -> pb.Image:
    return pb.Image(id=v.id, repo_tags=v.repo_tags, manifest_digest=v.manifest_digest,
                    created=timestamps.to_proto(v.created), size=v.size,
                    config=pb.ImageConfig(**v.config), diff_ids=v.diff_ids,
                    architecture=v.architecture, os=v.os, comment=v.comment)


def _import_stream(request_iterator):
    """(header, iterator of data chunks) from an ImportChunk stream."""
    first = next(request_iterator, None)
    if first is None or first.WhichOneof("part") != "header":
        raise InvalidArgument("an import stream starts with a header message (reference, message)")

    def chunks():
        for msg in request_iterator:
            if msg.WhichOneof("part") != "data":
                raise InvalidArgument("only data messages may follow the import header")
            yield msg.data
    return first.header, chunks()


class ImagesServicer(images_pb2_grpc.ImagesServicer):
    def __init__(self, svc: ImageService):
        self.svc = svc

    def Import(self, request_iterator, context):
        header, chunks = _import_stream(request_iterator)
        image_id = importer.import_tar(self.svc, chunks, header.reference, header.message)
        return to_message(self.svc.inspect(image_id))

    def List(self, request, context):
        return pb.ListResponse(images=[to_message(v) for v in self.svc.list_images()])

    def Inspect(self, request, context):
        return to_message(self.svc.inspect(request.reference))

    def Remove(self, request, context):
        untagged, deleted = remove.remove(self.svc, request.reference, request.force)
        return pb.RemoveResponse(untagged=untagged, deleted=deleted)

    def PrepareSnapshot(self, request, context):
        return pb.Snapshot(**self.svc.prepare_snapshot(request.image, request.container_id))

    def RemoveSnapshot(self, request, context):
        self.svc.remove_snapshot(request.container_id)
        return pb.RemoveSnapshotResponse()
