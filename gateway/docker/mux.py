"""Docker's stream formats and the two-way pump of a hijacked connection
(attach, exec start).

A container without a tty has its stdout and stderr multiplexed on one
connection: each frame is an 8-byte header (stream type 0 stdin, 1 stdout,
2 stderr; three zero bytes; the payload's length, big-endian uint32) then
the payload. A tty container's output is one raw stream."""
import datetime
import queue
import select
import socket
import struct
import threading
import time

RAW = "application/vnd.docker.raw-stream"
MULTIPLEXED = "application/vnd.docker.multiplexed-stream"
STDOUT, STDERR = 1, 2
# Larger payloads are cut into frames of this size (a reader's buffer stays small).
MAX_FRAME = 1 << 20


def content_type(req, tty: bool) -> str:
    # moby answers multiplexed-stream only from 1.42 on; before, raw-stream for both.
    return MULTIPLEXED if not tty and req.version_at_least("1.42") else RAW


def frame(stream: int, data: bytes) -> bytes:
    if len(data) <= MAX_FRAME:
        return struct.pack(">BxxxL", stream, len(data)) + data
    return b"".join(struct.pack(">BxxxL", stream, len(data[i:i + MAX_FRAME])) + data[i:i + MAX_FRAME]
                    for i in range(0, len(data), MAX_FRAME))


def timestamp(ts) -> str:
    """A google.protobuf.Timestamp as Docker's logs print it (RFC3339NanoFixed, UTC)."""
    when = datetime.datetime.fromtimestamp(ts.seconds, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.nanos:09d}Z"


def encode(chunk, tty: bool, timestamps: bool = False) -> bytes:
    """A doca.v1 LogChunk as the bytes on the wire."""
    data = chunk.data
    if timestamps:
        data = timestamp(chunk.time).encode() + b" " + data
    if tty:
        return data
    return frame(STDERR if chunk.stream == 2 else STDOUT, data)


# Docker's detach keys: "ctrl-p,ctrl-q" (the default), "ctrl-a", single characters.
DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q"


def detach_keys(spec: str) -> bytes:
    """The byte sequence of a detachKeys value; ValueError in Docker's words."""
    out = bytearray()
    for key in spec.split(","):
        k = key.strip()
        if len(k) == 1:
            out.append(ord(k))
        elif k.lower().startswith("ctrl-") and len(k) == 6:
            c = k[5].lower()
            if "a" <= c <= "z":
                out.append(ord(c) - ord("a") + 1)
            elif c in "@[\\]^_":
                out.append({"@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, "_": 31}[c])
            else:
                raise ValueError(f"Unknown character: '{k}'")
        else:
            raise ValueError(f"Unknown character: '{k}'")
    return bytes(out)


class Pump:
    """A hijacked connection's stdin side: a thread reads the client and
    turns its bytes into the upstream call's input messages through
    `make_stdin(bytes)`; the client's end of input (its half-close) becomes
    `close_message` when given. `inputs()` is the iterator the gRPC call
    reads (first message, then stdin and window sizes), ending with `finish()`.

    With `escape` (the detach keys of a tty attach), typing the sequence
    ends the attach without closing the process's stdin, as dockerd's."""

    def __init__(self, conn, first, make_stdin, close_message=None, read_stdin=True, escape: bytes = b""):
        self.conn = conn
        self.first = first
        self.make_stdin = make_stdin
        self.close_message = close_message
        self.escape = escape
        self.detached = False
        self.client_gone = threading.Event()
        self._q: queue.Queue = queue.Queue()
        self._done = threading.Event()
        self._reader = threading.Thread(target=self._read if read_stdin else self._watch, daemon=True,
                                        name="hijack-stdin")
        self.on_gone = None  # called when the client hangs up (or detaches): cancel the call

    def start(self) -> None:
        self._reader.start()

    def put(self, message) -> None:
        """Another input message (a window size from a resize request)."""
        if not self._done.is_set():
            self._q.put(message)

    def inputs(self):
        yield self.first
        while True:
            msg = self._q.get()
            if msg is None:
                return
            yield msg

    def finish(self) -> None:
        self._done.set()
        self._q.put(None)

    def _gone(self) -> None:
        self.client_gone.set()
        if self.detached:  # the detach keys: the client's connection ends now
            shutdown(self.conn)
        if self.on_gone and not self._done.is_set():
            try:
                self.on_gone()
            except Exception:
                pass

    def _read(self) -> None:
        matched = 0
        try:
            while not self._done.is_set():
                data = self.conn.recv(65536)
                if not data:
                    break
                if self.escape:
                    data, matched, hit = _scan(data, self.escape, matched)
                    if hit:
                        if data:
                            self._q.put(self.make_stdin(data))
                        self.detached = True
                        self._gone()
                        return
                if data:
                    self._q.put(self.make_stdin(data))
        except OSError:
            self._gone()
            return
        if self._done.is_set():
            return
        # End of the client's input: half-closed (docker's CLI after stdin's
        # EOF) or gone altogether; the output goes on in the first case.
        if self.close_message is not None:
            self._q.put(self.close_message)
        self._wait_hangup()

    def _wait_hangup(self) -> None:
        if getattr(self.conn, "ended", False):
            # A WebSocket's close: the client is done; its stdin's end goes first.
            time.sleep(0.2)
            self._gone()
            return
        self._wait_hup()

    def _watch(self) -> None:
        """No stdin wanted: only notice a client that hangs up (bytes it
        sends are dropped, as dockerd drops them)."""
        try:
            while not self._done.is_set():
                data = self.conn.recv(65536)
                if not data:
                    break
        except OSError:
            pass
        self._wait_hangup()

    def _wait_hup(self) -> None:
        # A unix socket's peer that closed (not only shut its writing down)
        # shows POLLHUP: then nobody reads the output any more.
        try:
            poller = select.poll()
            poller.register(self.conn.sock.fileno(), select.POLLHUP | select.POLLERR)
            while not self._done.is_set():
                for _fd, ev in poller.poll(500):
                    if ev & (select.POLLHUP | select.POLLERR):
                        self._gone()
                        return
        except (OSError, ValueError):
            self._gone()


def _scan(data: bytes, escape: bytes, matched: int) -> tuple[bytes, int, bool]:
    """Looks for the detach sequence across reads: (bytes to pass on, how much
    of the sequence is matched now, whether it is complete). Bytes held as a
    partial match are passed on when the match breaks, as dockerd's."""
    out = bytearray()
    for b in data:
        if b == escape[matched]:
            matched += 1
            if matched == len(escape):
                return bytes(out), 0, True
            continue
        if matched:
            out += escape[:matched]
            matched = 0
            if b == escape[0]:
                matched = 1
                continue
        out.append(b)
    return bytes(out), matched, False


def shutdown(conn) -> None:
    """Ends a hijacked connection both ways (wakes its reader thread)."""
    try:
        conn.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
