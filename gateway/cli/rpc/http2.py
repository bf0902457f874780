"""A minimal HTTP/2 client connection (RFC 7540) for gRPC calls on a
connected socket (unix, or TLS with ALPN h2): prior knowledge (no upgrade),
one call at a time, flow control in both directions, SETTINGS/PING/GOAWAY
handled, no server push. Standard library only, and none of its heavier
modules (socket, struct, threading: a CLI call pays for every import)."""
import _thread

from gateway.cli.rpc import hpack_lite

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
CANCEL = 8  # RST_STREAM error code: the stream is no longer needed
END_STREAM = ACK = 0x1
END_HEADERS = 0x4
PADDED = 0x8
PRIORITY_FLAG = 0x20
SETTINGS_ENABLE_PUSH = 2
SETTINGS_INITIAL_WINDOW_SIZE = 4
SETTINGS_MAX_FRAME_SIZE = 5
MAX_WINDOW = 2 ** 31 - 1
DEFAULT_WINDOW = 65535


class ConnectionError_(Exception):
    """The peer broke the connection or the protocol."""


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.decoder = hpack_lite.Decoder()
        self.next_stream = 1
        self.max_frame = 16384
        self.peer_initial_window = DEFAULT_WINDOW
        self.conn_window = DEFAULT_WINDOW
        self.stream_window: dict[int, int] = {}
        self.unacked = 0  # bytes received since our last WINDOW_UPDATE
        self._rbuf = bytearray()
        # For calls that send while another thread reads (bidi): writes are
        # serialised, and a blocked sender waits for the reader's window
        # updates (a condition made by threaded(), only for such calls).
        self.write_lock = _thread.allocate_lock()
        self.window_changed = None
        # Our receive windows: as large as allowed, so a long output stream
        # rarely needs a WINDOW_UPDATE.
        settings = _u16(SETTINGS_ENABLE_PUSH) + _u32(0) + _u16(SETTINGS_INITIAL_WINDOW_SIZE) + _u32(MAX_WINDOW)
        self._send(PREFACE + self._frame(SETTINGS, 0, 0, settings)
                          + self._frame(WINDOW_UPDATE, 0, 0, _u32(MAX_WINDOW - DEFAULT_WINDOW)))

    def threaded(self) -> None:
        """Another thread will send while this one reads (send_data_waiting)."""
        if self.window_changed is None:
            import threading
            self.window_changed = threading.Condition()

    def _add_window(self, sid: int, inc: int) -> None:
        cond = self.window_changed
        if cond is None:
            self._apply_window(sid, inc)
            return
        with cond:
            self._apply_window(sid, inc)
            cond.notify_all()

    def _apply_window(self, sid: int, inc: int) -> None:
        if sid:
            self.stream_window[sid] += inc
        else:
            self.conn_window += inc

    # -- frames ---------------------------------------------------------------

    @staticmethod
    def _frame(ftype: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
        return len(payload).to_bytes(3, "big") + bytes((ftype, flags)) + stream.to_bytes(4, "big") + payload

    def _send(self, data: bytes) -> None:
        with self.write_lock:
            self.sock.sendall(data)

    def _recv_exact(self, n: int) -> bytes:
        while len(self._rbuf) < n:
            chunk = self.sock.recv(max(65536, n - len(self._rbuf)))
            if not chunk:
                raise ConnectionError_("the gateway closed the connection")
            self._rbuf += chunk
        out = bytes(self._rbuf[:n])
        del self._rbuf[:n]
        return out

    def read_frame(self) -> tuple[int, int, int, bytes]:
        """The next frame. Connection frames (stream 0) are acted on here and
        returned too: a sender blocked on flow control needs to see them."""
        head = self._recv_exact(9)
        payload = self._recv_exact(int.from_bytes(head[:3], "big"))
        ftype, flags = head[3], head[4]
        stream = int.from_bytes(head[5:9], "big") & 0x7FFFFFFF
        if stream:
            if ftype == WINDOW_UPDATE and stream in self.stream_window:
                self._add_window(stream, int.from_bytes(payload[:4], "big") & 0x7FFFFFFF)
            return ftype, flags, stream, payload
        if ftype == SETTINGS and not flags & ACK:
            max_frame = self._apply_settings(payload)
            self._send(self._frame(SETTINGS, ACK, 0))
            # Only after our ACK is on the wire: the peer enforces a larger frame
            # size from the ACK on, and a sending thread may use it at once.
            self.max_frame = max_frame
        elif ftype == PING and not flags & ACK:
            self._send(self._frame(PING, ACK, 0, payload))
        elif ftype == WINDOW_UPDATE:
            self._add_window(0, int.from_bytes(payload[:4], "big") & 0x7FFFFFFF)
        elif ftype == GOAWAY:
            last, code = int.from_bytes(payload[:4], "big"), int.from_bytes(payload[4:8], "big")
            if (last & 0x7FFFFFFF) < self.next_stream - 2:
                raise ConnectionError_(f"the gateway went away (HTTP/2 error {code})")
        return ftype, flags, stream, payload

    def _apply_settings(self, payload: bytes) -> int:
        """Applies the window settings; returns the peer's max frame size."""
        max_frame = self.max_frame
        for i in range(0, len(payload) - 5, 6):
            key, value = int.from_bytes(payload[i:i + 2], "big"), int.from_bytes(payload[i + 2:i + 6], "big")
            if key == SETTINGS_INITIAL_WINDOW_SIZE:
                delta = value - self.peer_initial_window
                self.peer_initial_window = value
                for sid in self.stream_window:
                    self.stream_window[sid] += delta
            elif key == SETTINGS_MAX_FRAME_SIZE:
                max_frame = value
        return max_frame

    # -- streams --------------------------------------------------------------

    def open(self, headers, end_stream: bool = False) -> int:
        sid = self.next_stream
        self.next_stream += 2
        self.stream_window[sid] = self.peer_initial_window
        block = hpack_lite.encode(headers)
        flags = END_HEADERS | (END_STREAM if end_stream else 0)
        self._send(self._frame(HEADERS, flags, sid, block))
        return sid

    def send_data(self, sid: int, data: bytes, end_stream: bool, on_frame) -> None:
        """Sends within the peer's windows; frames that arrive meanwhile go
        to on_frame (a response may start before the request ends)."""
        view = memoryview(data)
        while True:
            n = min(len(view), self.max_frame, self.conn_window, self.stream_window[sid])
            if n > 0 or not view:
                last = end_stream and n == len(view)
                self._send(self._frame(DATA, END_STREAM if last else 0, sid, bytes(view[:n])))
                self.conn_window -= n
                self.stream_window[sid] -= n
                view = view[n:]
                if not view:
                    return
                continue
            frame = self.read_frame()  # blocked by flow control: wait for a WINDOW_UPDATE
            if frame[2] and frame[0] != WINDOW_UPDATE and not on_frame(frame):
                return  # the call already ended (an error): stop sending

    def send_data_waiting(self, sid: int, data: bytes, end_stream: bool) -> None:
        """send_data for a thread that does not read: waits for the reading
        thread to see window updates."""
        view = memoryview(data)
        while True:
            with self.window_changed:
                n = min(len(view), self.max_frame, self.conn_window, self.stream_window[sid])
                while n <= 0 and view:
                    self.window_changed.wait()
                    n = min(len(view), self.max_frame, self.conn_window, self.stream_window[sid])
                self.conn_window -= n
                self.stream_window[sid] -= n
            last = end_stream and n == len(view)
            self._send(self._frame(DATA, END_STREAM if last else 0, sid, bytes(view[:n])))
            view = view[n:]
            if not view:
                return

    def credit(self, sid: int, n: int) -> None:
        """Gives back receive window once enough was consumed."""
        self.unacked += n
        if self.unacked > MAX_WINDOW // 2:
            inc = _u32(self.unacked)
            self._send(self._frame(WINDOW_UPDATE, 0, 0, inc) + self._frame(WINDOW_UPDATE, 0, sid, inc))
            self.unacked = 0

    def header_block(self, flags: int, sid: int, payload: bytes) -> tuple[list, bool]:
        """Decodes a HEADERS frame (plus CONTINUATIONs); returns (headers, end_stream)."""
        if flags & PADDED:
            payload = payload[1:len(payload) - payload[0]]
        if flags & PRIORITY_FLAG:
            payload = payload[5:]
        block = payload
        while not flags & END_HEADERS:
            ftype, flags, sid_, more = self.read_frame()
            if not sid_:
                continue
            if ftype != CONTINUATION:
                raise ConnectionError_("header block interrupted")
            block += more
        return self.decoder.decode(block), bool(flags & END_STREAM)

    def reset(self, sid: int, code: int = CANCEL) -> None:
        """Ends one stream at once (RST_STREAM): the server sees the call cancelled."""
        self._send(self._frame(RST_STREAM, 0, sid, _u32(code)))

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def _u16(v: int) -> bytes:
    return v.to_bytes(2, "big")


def _u32(v: int) -> bytes:
    return v.to_bytes(4, "big")
