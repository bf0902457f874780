"""Client channels to doca's unix sockets.

Calls between doca's processes wait for the other side to be ready instead
of failing at once: a service the daemon is (re)starting is there a moment
later, and a channel that saw the socket missing must not answer UNAVAILABLE
for a whole reconnect back-off. The back-off itself is kept short."""
import collections
import pathlib

import grpc

_OPTIONS = [
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
    ("grpc.enable_retries", 0),
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 1000),
]


class _Details(collections.namedtuple(
        "_Details", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")),
        grpc.ClientCallDetails):
    pass


class _WaitForReady(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                    grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    def _details(self, d):
        wait = True if d.wait_for_ready is None else d.wait_for_ready
        return _Details(d.method, d.timeout, d.metadata, d.credentials, wait, getattr(d, "compression", None))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return continuation(self._details(details), request_iterator)

    def intercept_stream_stream(self, continuation, details, request_iterator):
        return continuation(self._details(details), request_iterator)


def target(address: str | pathlib.Path) -> str:
    address = str(address)
    if address.startswith("unix:"):
        return address
    return "unix://" + address


def connect(address: str | pathlib.Path, interceptors=()) -> grpc.Channel:
    channel = grpc.insecure_channel(target(address), options=_OPTIONS)
    return grpc.intercept_channel(channel, _WaitForReady(), *interceptors)
