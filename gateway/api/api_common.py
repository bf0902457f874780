"""Helpers shared by the gateway's servicers."""
from google.protobuf import struct_pb2


def upstream(context, call):
    """A service's stream relayed to a client: cancelled when the client's
    call ends, however it ends (a client that leaves a follow or a stats
    stream would otherwise hold a thread of the service for ever: enough
    of them and the service answers nothing)."""
    context.add_callback(call.cancel)
    return call


def struct(doc: dict) -> struct_pb2.Struct:
    """A Docker-shaped document as google.protobuf.Struct (grpcurl prints it as JSON)."""
    s = struct_pb2.Struct()
    s.update(doc)
    return s
