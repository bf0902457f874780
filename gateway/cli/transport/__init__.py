"""The CLI's gRPC transport: gRPC over HTTP/2 on the gateway's unix socket
(or its mutual-TLS TCP listener), in a few hundred lines of standard library.

Why not grpcio here: importing it costs this machine ~55 ms per CLI call
(it pulls in asyncio, ssl and logging), more than a whole container start on
the server side. The services and the gateway use grpcio; only the CLI's
short-lived process talks HTTP/2 itself. HPACK's Huffman strings are decoded
by the hpack library, loaded only if the server ever sends one.
"""
from gateway.cli.transport.client import Channel, RpcError, StatusCode, TLSFiles, stub  # noqa: F401
