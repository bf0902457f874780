"""Client channels to doca's unix sockets."""
import pathlib

import grpc

_OPTIONS = [
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
    # Fail fast with UNAVAILABLE instead of waiting for a socket to appear.
    ("grpc.enable_retries", 0),
]


def target(address: str | pathlib.Path) -> str:
    address = str(address)
    if address.startswith("unix:"):
        return address
    return "unix://" + address


def connect(address: str | pathlib.Path, interceptors=()) -> grpc.Channel:
    channel = grpc.insecure_channel(target(address), options=_OPTIONS)
    if interceptors:
        channel = grpc.intercept_channel(channel, *interceptors)
    return channel
