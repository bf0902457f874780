"""The face's one channel to the gateway (doca.v1 on <run dir>/doca.sock):
every endpoint is a translation onto these stubs."""
import dataclasses

from common import channel
from common.config import Config
from doca.v1 import containers_pb2_grpc, images_pb2_grpc, system_pb2_grpc, volumes_pb2_grpc


@dataclasses.dataclass
class Backend:
    containers: containers_pb2_grpc.ContainersStub
    images: images_pb2_grpc.ImagesStub
    networks: system_pb2_grpc.NetworksStub
    system: system_pb2_grpc.SystemStub
    volumes: volumes_pb2_grpc.VolumesStub
    cfg: Config


def connect(cfg: Config) -> Backend:
    ch = channel.connect(cfg.socket("doca"))
    return Backend(
        containers=containers_pb2_grpc.ContainersStub(ch),
        images=images_pb2_grpc.ImagesStub(ch),
        networks=system_pb2_grpc.NetworksStub(ch),
        system=system_pb2_grpc.SystemStub(ch),
        volumes=volumes_pb2_grpc.VolumesStub(ch),
        cfg=cfg,
    )
