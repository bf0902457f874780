"""The CLI's own HTTP/2 + HPACK transport: HPACK checked against the hpack
library (Huffman strings, dynamic table, size updates), and the transport
against the real gateway (big client stream under flow control, big server
stream, errors with status, metadata and exit codes)."""
import hashlib
import io
import socket
import struct
import tarfile

import hpack
import pytest

from gateway.cli.rpc import hpack_lite, http2
from gateway.cli.rpc.client import _percent_decode

HEADERS = [(":status", "200"), ("content-type", "application/grpc"),
           ("grpc-status", "5"), ("grpc-message", "No such image: x%3Ay"), ("doca-exit-code", "127"),
           ("x-long", "v" * 300)]


@pytest.mark.parametrize("huffman", [True, False])
def test_decoder_matches_hpack_library(huffman):
    enc = hpack.Encoder()
    dec = hpack_lite.Decoder()
    for _ in range(3):  # the second and third blocks use the dynamic table
        block = enc.encode(HEADERS, huffman=huffman)
        assert dec.decode(block) == HEADERS


def test_table_size_update_and_eviction():
    enc = hpack.Encoder()
    dec = hpack_lite.Decoder()
    dec.decode(enc.encode(HEADERS))
    enc.header_table_size = 64  # the next block starts with a size update
    block = enc.encode([("a", "b"), ("grpc-status", "0")])
    assert dec.decode(block) == [("a", "b"), ("grpc-status", "0")]
    assert dec.size <= 64


def test_encoder_output_is_valid_hpack():
    block = hpack_lite.encode([(":path", "/doca.v1.Containers/Run"), ("te", "trailers"), ("x", "é" * 200)])
    assert hpack.Decoder().decode(block) == [(":path", "/doca.v1.Containers/Run"), ("te", "trailers"), ("x", "é" * 200)]


def test_percent_decoding():
    assert _percent_decode("a%20b%3A%E2%9C%93") == "a b:✓"
    assert _percent_decode("100%") == "100%"


def test_bad_index_is_an_error():
    with pytest.raises(hpack_lite.HpackError):
        hpack_lite.Decoder().decode(bytes([0x80 | 70]))


def test_a_larger_frame_size_is_used_only_after_the_settings_ack():
    """A thread sending while another reads must not send a frame larger than
    16384 before the gateway has our ACK of the SETTINGS allowing it: gRPC
    refuses such a frame ("Frame size ... is larger than max frame size")."""
    ours, theirs = socket.socketpair()
    try:
        conn = http2.Connection(ours)
        seen = []
        send = conn._send
        conn._send = lambda data: (seen.append((data[3], data[4], conn.max_frame)), send(data))
        payload = struct.pack(">HI", http2.SETTINGS_MAX_FRAME_SIZE, 1 << 20)
        theirs.sendall(http2.Connection._frame(http2.SETTINGS, 0, 0, payload))
        conn.read_frame()
        assert seen == [(http2.SETTINGS, http2.ACK, 16384)]  # the ACK left before the change
        assert conn.max_frame == 1 << 20
    finally:
        ours.close()
        theirs.close()


def test_large_import_and_large_output(stack, tmp_path):
    # 24 MB of incompressible data through a client stream: several flow-control windows.
    blob = b"".join(hashlib.sha256(str(i).encode()).digest() * 32 for i in range(24 * 1024))
    tar = tmp_path / "big.tar"
    with tarfile.open(tar, "w") as t:
        info = tarfile.TarInfo("blob")
        info.size = len(blob)
        t.addfile(info, io.BytesIO(blob))
        info = tarfile.TarInfo("bin/busybox")
        data = open("/bin/busybox", "rb").read()
        info.size, info.mode = len(data), 0o755
        t.addfile(info, io.BytesIO(data))
    stack.doca("import", str(tar), "bigblob")
    try:
        out = stack.run("bigblob", "/bin/busybox", "sha256sum", "/blob")
        assert out.split()[0] == hashlib.sha256(blob).hexdigest()
        # And 6 MB back through a server stream.
        text = stack.run("busybox", "sh", "-c", "head -c 3000000 /dev/zero | od -v -An | head -c 6000000")
        assert len(text) == 6000000
    finally:
        stack.doca("rmi", "bigblob")


class _Unreadable(OSError):
    pass


def _failing(first):
    yield first
    raise _Unreadable(5, "Input/output error", "/ctx/file")


def test_failing_requests_cancel_the_call_and_raise_their_cause(stack):
    """A request iterator that fails (a file the CLI streams is unreadable)
    cancels the call at once and surfaces its own error, for a client stream
    (Load) and a bidi stream (Exec, whose sender is a thread), and the
    gateway keeps serving on the same connection."""
    from gateway.cli.rpc import doca_v1 as pb
    from gateway.cli.rpc.client import Channel, stub

    channel = Channel(str(stack.socket("doca")))
    images = stub(pb, "Images", channel)
    with pytest.raises(_Unreadable):
        images.Load(_failing(pb.DataChunk(data=b"x" * 512)))
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    try:
        containers = stub(pb, "Containers", channel)
        start = pb.ExecInput(start=pb.ExecConfig(container=cid, cmd=["cat"], interactive=True))
        with pytest.raises(_Unreadable):
            for _ in containers.Exec(_failing(start)):
                pass
        assert stack.doca("exec", cid, "echo", "still serving").stdout == "still serving\n"
        assert images.Inspect(pb.ImageRef(reference="busybox")).fields["Id"].string_value.startswith("sha256:")
    finally:
        stack.doca("rm", "-f", cid)
