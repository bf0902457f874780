"""The gateway's channels to the four services (one each, shared by all
requests), found by socket path in the run dir."""
import dataclasses

from common import channel
from common.config import Config
from doca.images.v1 import images_pb2_grpc
from doca.network.v1 import network_pb2_grpc
from doca.runtime.v1 import runtime_pb2_grpc
from doca.volumes.v1 import volumes_pb2_grpc


@dataclasses.dataclass
class Clients:
    runtime: runtime_pb2_grpc.RuntimeStub
    images: images_pb2_grpc.ImagesStub
    network: network_pb2_grpc.NetworkStub
    volumes: volumes_pb2_grpc.VolumesStub


def connect(cfg: Config, interceptors=()) -> Clients:
    def ch(name):
        return channel.connect(cfg.socket(name), interceptors)
    return Clients(
        runtime=runtime_pb2_grpc.RuntimeStub(ch("runtime")),
        images=images_pb2_grpc.ImagesStub(ch("images")),
        network=network_pb2_grpc.NetworkStub(ch("network")),
        volumes=volumes_pb2_grpc.VolumesStub(ch("volumes")),
    )
