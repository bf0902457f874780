"""Helpers shared by the gateway's servicers."""
from google.protobuf import struct_pb2


def struct(doc: dict) -> struct_pb2.Struct:
    """A Docker-shaped document as google.protobuf.Struct (grpcurl prints it as JSON)."""
    s = struct_pb2.Struct()
    s.update(doc)
    return s
