"""The CLI's connection to the gateway (--host / DOCA_HOST)."""
from common import channel
from doca.v1 import containers_pb2_grpc, images_pb2_grpc, system_pb2_grpc, volumes_pb2_grpc


def _channel(args):
    if not hasattr(args, "_channel"):
        args._channel = channel.connect(args.host)
    return args._channel


def containers(args):
    return containers_pb2_grpc.ContainersStub(_channel(args))


def images(args):
    return images_pb2_grpc.ImagesStub(_channel(args))


def volumes(args):
    return volumes_pb2_grpc.VolumesStub(_channel(args))


def networks(args):
    return system_pb2_grpc.NetworksStub(_channel(args))


def system(args):
    return system_pb2_grpc.SystemStub(_channel(args))
