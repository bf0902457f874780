"""doca.v1.Images: passes through to the images service."""
from doca.images.v1 import images_pb2 as ipb
from doca.v1 import images_pb2 as gipb, images_pb2_grpc
from gateway import documents
from gateway.api_common import struct
from gateway.clients import Clients


class ImagesServicer(images_pb2_grpc.ImagesServicer):
    def __init__(self, clients: Clients):
        self.c = clients

    def Import(self, request_iterator, context):
        def forward():
            for chunk in request_iterator:
                if chunk.HasField("header"):
                    yield ipb.ImportChunk(header=ipb.ImportChunk.Header(
                        reference=chunk.header.reference, message=chunk.header.message))
                else:
                    yield ipb.ImportChunk(data=chunk.data)
        img = self.c.images.Import(forward())
        return gipb.ImageSummary(id=img.id, repo_tags=img.repo_tags, created=img.created, size=img.size)

    def List(self, request, context):
        imgs = self.c.images.List(ipb.ListRequest()).images
        return gipb.ListImagesResponse(images=[
            gipb.ImageSummary(id=i.id, repo_tags=i.repo_tags, created=i.created, size=i.size) for i in imgs])

    def Inspect(self, request, context):
        return struct(documents.image(self.c.images.Inspect(ipb.InspectRequest(reference=request.reference))))

    def Remove(self, request, context):
        r = self.c.images.Remove(ipb.RemoveRequest(reference=request.reference, force=request.force))
        return gipb.RemoveImageResponse(untagged=r.untagged, deleted=r.deleted)
