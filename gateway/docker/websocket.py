"""The WebSocket side of GET /containers/{id}/attach/ws (RFC 6455, what
moby's golang.org/x/net/websocket server speaks): the handshake's answer,
and a connection whose recv/sendall carry message payloads, so the attach
pump (mux.Pump) reads stdin from it as from a raw hijacked socket.

The container's output goes out as binary frames (moby's PayloadType from
API 1.28), never multiplexed; the client's frames (text or binary) are
stdin; its close frame is the end of its input."""
import base64
import hashlib
import struct
import threading

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
# A client frame larger than this ends the connection (stdin comes in small pieces).
MAX_FRAME = 16 * 1024 * 1024


def handshake(headers: dict) -> bytes | None:
    """The 101 answer to a WebSocket upgrade request, or None when the
    request is not one (no Upgrade: websocket or no key)."""
    key = headers.get("sec-websocket-key", "").strip()
    if "websocket" not in headers.get("upgrade", "").lower() or not key:
        return None
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode()


def frame(opcode: int, payload: bytes) -> bytes:
    """A server frame: final, unmasked."""
    n = len(payload)
    if n < 126:
        head = struct.pack(">BB", 0x80 | opcode, n)
    elif n < 1 << 16:
        head = struct.pack(">BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack(">BBQ", 0x80 | opcode, 127, n)
    return head + payload


class WsConn:
    """A hijacked RawConn seen through WebSocket frames."""

    def __init__(self, raw):
        self.raw = raw
        self.sock = raw.sock  # for mux's hang-up poll and shutdown
        self._buf = b""
        self._send_lock = threading.Lock()
        self.ended = False  # the client's close frame came (mux.Pump ends the attach)

    def _read(self, n: int) -> bytes:
        while len(self._buf) < n:
            data = self.raw.recv(65536)
            if not data:
                raise EOFError
            self._buf += data
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def recv(self, n: int = 65536) -> bytes:
        """The next data frame's payload; b"" at the client's close (or EOF)."""
        try:
            while not self.ended:
                b0, b1 = self._read(2)
                opcode, masked, length = b0 & 0x0F, b1 & 0x80, b1 & 0x7F
                if length == 126:
                    length = struct.unpack(">H", self._read(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", self._read(8))[0]
                if length > MAX_FRAME:
                    return b""
                mask = self._read(4) if masked else b""
                payload = self._read(length)
                if mask:
                    payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
                if opcode == CLOSE:
                    self.ended = True
                    self._send(frame(CLOSE, payload[:2]))
                    return b""
                if opcode == PING:
                    self._send(frame(PONG, payload))
                    continue
                if opcode in (CONTINUATION, TEXT, BINARY) and payload:
                    return payload
        except EOFError:
            pass
        return b""

    def _send(self, data: bytes) -> None:
        with self._send_lock:
            self.raw.sendall(data)

    def sendall(self, data: bytes) -> None:
        if data:
            self._send(frame(BINARY, data))
