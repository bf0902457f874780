"""Helpers shared by the gateway's servicers."""
from google.protobuf import struct_pb2
from doca.runtime.v1 import runtime_pb2 as rpb


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


def stdio_input(msg, message_class):
    """An interactive stream's client message after its first (stdin bytes,
    their end, a window size) as the runtime's `message_class` (ExecInput,
    AttachInput); None for anything else."""
    kind = msg.WhichOneof("input")
    if kind == "stdin":
        return message_class(stdin=msg.stdin)
    if kind == "close_stdin":
        return message_class(close_stdin=True)
    if kind == "resize":
        return message_class(resize=rpb.WindowSize(rows=msg.resize.rows, cols=msg.resize.cols))
    return None
