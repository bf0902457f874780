"""The CLI's connection to the gateway (--host / DOCA_HOST): one HTTP/2
connection on the unix socket, with stubs built from the generated
descriptors (see transport/ for why not grpcio)."""
from gateway.cli import transport

_channels: dict[str, transport.Channel] = {}


def _channel(args) -> transport.Channel:
    host = args.host
    if not host.startswith("unix://"):
        raise transport.RpcError(transport.StatusCode.INVALID_ARGUMENT,
                                 f"unsupported host {host!r}: use unix:///path/to/doca.sock")
    if host not in _channels:
        _channels[host] = transport.Channel(host[len("unix://"):])
    return _channels[host]


def containers(args):
    from doca.v1 import containers_pb2
    return transport.stub(containers_pb2, "Containers", _channel(args))


def images(args):
    from doca.v1 import images_pb2
    return transport.stub(images_pb2, "Images", _channel(args))


def volumes(args):
    from doca.v1 import volumes_pb2
    return transport.stub(volumes_pb2, "Volumes", _channel(args))


def networks(args):
    from doca.v1 import system_pb2
    return transport.stub(system_pb2, "Networks", _channel(args))


def system(args):
    from doca.v1 import system_pb2
    return transport.stub(system_pb2, "System", _channel(args))
