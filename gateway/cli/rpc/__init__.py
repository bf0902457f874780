"""The CLI's RPC client: gRPC over HTTP/2 without grpcio (client.py,
http2.py, hpack_lite.py), proto3 without protobuf (codec.py, the generated
doca_v1.py, tojson.py), and the connection every verb uses (conn.py). See
README.md. Nothing is imported here: a module loads only what it uses."""
