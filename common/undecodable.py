"""Requests that are not their message (a string that is not UTF-8, a
varint longer than 64 bits, a length past the end) are INVALID_ARGUMENT
with one line, not gRPC's INTERNAL "Exception deserializing request!" and a
traceback in the log.

gRPC decodes a request before any handler or interceptor code runs, and
turns a decoding error into INTERNAL itself. So this interceptor gives each
handler a deserializer that never raises (it returns an Undecodable in the
message's place) and a behaviour that answers such a request at once.
Put it first in a server's interceptors:

    Server(socket, services, interceptors=[UndecodableRequests(), ...])
"""
import grpc

_KINDS = ("unary_unary", "unary_stream", "stream_unary", "stream_stream")


class Undecodable:
    def __init__(self, what: str, error: Exception):
        self.what, self.error = what, error


def _tolerant(deserialize):
    cls = getattr(deserialize, "__self__", None)
    what = getattr(cls, "__name__", "its message")

    def decode(data: bytes):
        try:
            return deserialize(data)
        except Exception as e:  # noqa: BLE001 - answered as INVALID_ARGUMENT by the behaviour below
            return Undecodable(what, e)
    return decode


def _refuse(bad: Undecodable, context):
    context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                  f"the request is not a valid {bad.what}: a string that is not UTF-8, a number too long "
                  f"for its field, or a message cut short ({type(bad.error).__name__})")


def _checked_stream(requests, context):
    for msg in requests:
        if isinstance(msg, Undecodable):
            _refuse(msg, context)
        yield msg


def _wrap(behavior, streaming_request: bool):
    if streaming_request:
        def with_stream(requests, context):
            return behavior(_checked_stream(requests, context), context)
        return with_stream

    def with_request(request, context):
        if isinstance(request, Undecodable):
            _refuse(request, context)
        return behavior(request, context)
    return with_request


class UndecodableRequests(grpc.ServerInterceptor):
    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.request_deserializer is None:
            return handler
        changes = {"request_deserializer": _tolerant(handler.request_deserializer)}
        for kind in _KINDS:
            behavior = getattr(handler, kind)
            if behavior is not None:
                changes[kind] = _wrap(behavior, kind.startswith("stream_"))
        return handler._replace(**changes)
