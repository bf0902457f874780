"""The gateway's Docker-shaped documents (google.protobuf.Struct) as JSON
values: a Struct holds every number as a double, and Go clients refuse 3.0
for an int field, so integral numbers become ints again."""
from google.protobuf import struct_pb2


def plain(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 63:
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def from_struct(msg: struct_pb2.Struct) -> dict:
    from google.protobuf import json_format
    return plain(json_format.MessageToDict(msg))
