"""The Docker API face's stream formats (gateway/docker/mux.py, websocket.py):
pure functions, no stack."""
import struct

import pytest
from google.protobuf import timestamp_pb2

from doca.v1 import containers_pb2 as pb
from gateway.docker import mux, websocket


def test_frames_carry_the_stream_and_a_big_endian_length():
    assert mux.frame(1, b"hi") == b"\x01\x00\x00\x00\x00\x00\x00\x02hi"
    assert mux.frame(2, b"") == b"\x02\x00\x00\x00\x00\x00\x00\x00"
    big = b"x" * (mux.MAX_FRAME + 3)
    out = mux.frame(1, big)
    assert struct.unpack(">BxxxL", out[:8]) == (1, mux.MAX_FRAME)
    assert struct.unpack(">BxxxL", out[8 + mux.MAX_FRAME:16 + mux.MAX_FRAME]) == (1, 3)


def test_log_chunks_on_the_wire():
    ts = timestamp_pb2.Timestamp(seconds=1700000000, nanos=5000)
    err = pb.LogChunk(stream=pb.LogChunk.STDERR, data=b"e\n", time=ts)
    assert mux.encode(err, tty=False) == mux.frame(2, b"e\n")
    assert mux.encode(err, tty=True) == b"e\n"
    assert mux.encode(err, tty=True, timestamps=True) == b"2023-11-14T22:13:20.000005000Z e\n"


@pytest.mark.parametrize("spec, want", [("ctrl-p,ctrl-q", b"\x10\x11"), ("ctrl-a", b"\x01"), ("a,b", b"ab"),
                                        ("ctrl-@,ctrl-[", b"\x00\x1b")])
def test_detach_keys(spec, want):
    assert mux.detach_keys(spec) == want


@pytest.mark.parametrize("spec", ["ctrl-xx", "ctrl-1", "abc", ""])
def test_bad_detach_keys(spec):
    with pytest.raises(ValueError, match="Unknown character"):
        mux.detach_keys(spec)


def test_the_detach_sequence_is_found_across_reads_and_broken_matches_pass_on():
    esc = b"\x10\x11"
    assert mux._scan(b"ab\x10\x11cd", esc, 0) == (b"ab", 0, True)
    out, matched, hit = mux._scan(b"ab\x10", esc, 0)
    assert (out, matched, hit) == (b"ab", 1, False)
    assert mux._scan(b"\x11", esc, matched) == (b"", 0, True)
    assert mux._scan(b"x", esc, 1) == (b"\x10x", 0, False)  # a broken match: the held byte goes on
    assert mux._scan(b"\x10\x10\x11", esc, 0) == (b"\x10", 0, True)


def test_content_types_by_version():
    class Req:
        def __init__(self, v):
            self.v = v

        def version_at_least(self, v):
            return tuple(map(int, self.v.split("."))) >= tuple(map(int, v.split(".")))
    assert mux.content_type(Req("1.42"), tty=False) == mux.MULTIPLEXED
    assert mux.content_type(Req("1.41"), tty=False) == mux.RAW
    assert mux.content_type(Req("1.50"), tty=True) == mux.RAW


def test_websocket_handshake_and_frames():
    head = websocket.handshake({"upgrade": "websocket", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head  # RFC 6455's example
    assert websocket.handshake({"upgrade": "tcp"}) is None
    assert websocket.frame(2, b"ab") == b"\x82\x02ab"
    assert websocket.frame(2, b"x" * 200)[:4] == b"\x82\x7e\x00\xc8"


class FakeRaw:
    def __init__(self, data):
        self.data, self.sent, self.sock = data, b"", None

    def recv(self, n=65536):
        out, self.data = self.data[:n], self.data[n:]
        return out

    def sendall(self, data):
        self.sent += data


def masked(opcode, payload, mask=b"\x01\x02\x03\x04"):
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def test_websocket_reads_masked_messages_answers_pings_and_close():
    raw = FakeRaw(masked(1, b"hello") + masked(9, b"p") + masked(2, b"bin") + masked(8, b"\x03\xe8"))
    ws = websocket.WsConn(raw)
    assert ws.recv() == b"hello"
    assert ws.recv() == b"bin"
    assert raw.sent == b"\x8a\x01p"  # the pong
    assert ws.recv() == b"" and ws.ended
    assert raw.sent.endswith(b"\x88\x02\x03\xe8")  # the close answered
    ws.sendall(b"out")
    assert raw.sent.endswith(b"\x82\x03out")
