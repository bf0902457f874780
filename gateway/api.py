"""The gateway's servicers (doca.v1): thin; flows live in containers.py,
documents in documents.py; errors map to status codes in common.status."""
import os
import platform
import time


from google.protobuf import struct_pb2

from common import timestamps
from doca.images.v1 import images_pb2 as ipb
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb, containers_pb2_grpc
from doca.v1 import images_pb2 as gipb, images_pb2_grpc
from doca.v1 import system_pb2 as spb, system_pb2_grpc
from doca.v1 import volumes_pb2 as gvpb, volumes_pb2_grpc
from doca.volumes.v1 import volumes_pb2 as vpb
from gateway import documents, humanize
from gateway.clients import Clients
from gateway.containers import Containers

from gateway import VERSION
API_VERSION = "v1"


def struct(doc: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(doc)
    return s


def _chunk(rec) -> pb.LogChunk:
    return pb.LogChunk(stream=int(rec.stream), data=rec.data)


class ContainersServicer(containers_pb2_grpc.ContainersServicer):
    def __init__(self, clients: Clients, flows: Containers):
        self.c = clients
        self.flows = flows

    def Run(self, request, context):
        ctr = self.flows.create(request.config)
        yield pb.RunEvent(created=pb.RunEvent.Created(id=ctr.id, name=ctr.name))
        if request.detach:
            self.flows.start(ctr.id)
            return
        finished = False
        try:
            self.c.runtime.Start(rpb.StartRequest(id=ctr.id))
            for rec in self.c.runtime.Logs(rpb.LogsRequest(id=ctr.id, follow=True)):
                yield pb.RunEvent(output=_chunk(rec))
            result = self.flows.wait_and_clean(ctr)
            finished = True
            yield pb.RunEvent(exited=pb.RunEvent.Exited(exit_code=result.exit_code, oom_killed=result.oom_killed))
        finally:
            if not finished and request.config.auto_remove:
                self.flows.watch_auto_remove(ctr.id)  # the client left: still honour --rm

    def Create(self, request, context):
        ctr = self.flows.create(request)
        return pb.CreateResponse(id=ctr.id, name=ctr.name)

    def Start(self, request, context):
        return pb.ContainerRef(id=self.flows.start(request.id).id)

    def Stop(self, request, context):
        return pb.ContainerRef(id=self.c.runtime.Stop(rpb.StopRequest(id=request.id, timeout=request.timeout)).id)

    def Kill(self, request, context):
        ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=request.id))
        self.c.runtime.Kill(rpb.KillRequest(id=ctr.id, signal=request.signal))
        return pb.ContainerRef(id=ctr.id)

    def Remove(self, request, context):
        return pb.ContainerRef(id=self.flows.remove(request.id, request.force))

    def Wait(self, request, context):
        r = self.c.runtime.Wait(rpb.WaitRequest(id=request.id))
        return pb.WaitResponse(exit_code=r.exit_code, oom_killed=r.oom_killed)

    def List(self, request, context):
        now = time.time()
        out = []
        for ctr in self.c.runtime.List(rpb.ListRequest(all=request.all)).containers:
            out.append(pb.ContainerSummary(
                id=ctr.id, name=ctr.name, image=ctr.spec.image, command=" ".join(ctr.spec.process.args),
                created_at=ctr.created_at, state=ctr.status, exit_code=ctr.exit_code,
                status=humanize.status(ctr.status, ctr.exit_code, timestamps.from_proto(ctr.started_at),
                                       timestamps.from_proto(ctr.finished_at), now)))
        out.sort(key=lambda s: timestamps.from_proto(s.created_at), reverse=True)
        return pb.ListResponse(containers=out)

    def Inspect(self, request, context):
        ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=request.id))
        eps = self.c.network.ListEndpoints(npb.ListEndpointsRequest(container_id=ctr.id)).endpoints
        return struct(documents.container(ctr, eps))

    def Logs(self, request, context):
        for rec in self.c.runtime.Logs(rpb.LogsRequest(id=request.id, follow=request.follow)):
            yield _chunk(rec)


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


class VolumesServicer(volumes_pb2_grpc.VolumesServicer):
    def __init__(self, clients: Clients):
        self.c = clients

    def Create(self, request, context):
        vol = self.c.volumes.Create(vpb.CreateRequest(name=request.name, labels=dict(request.labels)))
        return struct(documents.volume(vol))

    def List(self, request, context):
        vols = self.c.volumes.List(vpb.ListRequest()).volumes
        return gvpb.ListVolumesResponse(volumes=[
            gvpb.VolumeSummary(name=v.name, driver=v.driver, mountpoint=v.mountpoint) for v in vols])

    def Inspect(self, request, context):
        return struct(documents.volume(self.c.volumes.Inspect(vpb.InspectRequest(name=request.name))))

    def Remove(self, request, context):
        self.c.volumes.Remove(vpb.RemoveRequest(name=request.name, force=request.force))
        return gvpb.RemoveVolumeResponse()


class NetworksServicer(system_pb2_grpc.NetworksServicer):
    def __init__(self, clients: Clients):
        self.c = clients

    def List(self, request, context):
        nets = self.c.network.List(npb.ListRequest()).networks
        return spb.ListNetworksResponse(networks=[
            spb.NetworkSummary(id=n.id, name=n.name, driver=n.driver, subnet=n.subnet,
                               gateway=n.gateway, bridge=n.bridge) for n in nets])


class SystemServicer(system_pb2_grpc.SystemServicer):
    def __init__(self, cgroup_version: str):
        self.cgroup_version = cgroup_version

    def Version(self, request, context):
        return spb.VersionResponse(version=VERSION, api_version=API_VERSION, os="linux",
                                   arch=platform.machine(), kernel_version=os.uname().release,
                                   cgroup_version=self.cgroup_version)


