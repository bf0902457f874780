"""What a handler sees (Request) and gives back (the Response kinds). No
sockets here: server.py moves the bytes."""
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from gateway.docker.errors import ApiError

# A JSON body larger than this is refused (413): every JSON body of the API is
# small; archives, build contexts and image tars are streamed, not read whole.
MAX_JSON_BODY = 16 * 1024 * 1024


class Query:
    """The query string as Docker's handlers read it: the last value of a
    repeated key wins, booleans as Go's strconv.ParseBool plus Docker's
    "present but empty is false"."""

    def __init__(self, raw: str):
        self.raw = urllib.parse.parse_qs(raw, keep_blank_values=True)

    def __contains__(self, name: str) -> bool:
        return name in self.raw

    def get(self, name: str, default: str = "") -> str:
        values = self.raw.get(name)
        return values[-1] if values else default

    def all(self, name: str) -> list[str]:
        return list(self.raw.get(name, []))

    def bool(self, name: str, default: bool = False) -> bool:
        if name not in self.raw:
            return default
        value = self.get(name).strip().lower()
        # Docker's httputils.BoolValue: anything but "", 0, no, false, none is true.
        return value not in ("", "0", "no", "false", "none")

    def int(self, name: str, default: int = 0) -> int:
        value = self.get(name)
        if value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise ApiError(400, f"invalid value for {name}: {value!r}: not an integer") from None

    def json(self, name: str, default=None):
        value = self.get(name)
        if not value:
            return default
        try:
            return json.loads(value)
        except ValueError as e:
            raise ApiError(400, f"invalid {name} parameter: {e}") from None


@dataclass
class Request:
    method: str
    path: str  # without the /vX.Y prefix
    query: Query
    headers: dict[str, str]  # names lower-cased
    version: str  # the API version the client asked for (or the newest)
    params: dict[str, str] = field(default_factory=dict)  # from the route's {names}
    # The body, read on demand: chunks until the end of the request.
    _body: Iterator[bytes] | None = None

    def body_chunks(self) -> Iterator[bytes]:
        """The body as it arrives (archives, build contexts, image tars)."""
        body, self._body = self._body, None
        return body if body is not None else iter(())

    def body(self, limit: int = MAX_JSON_BODY) -> bytes:
        out = bytearray()
        for chunk in self.body_chunks():
            out += chunk
            if len(out) > limit:
                raise ApiError(413, f"request body too large (more than {limit} bytes)")
        return bytes(out)

    def json(self, default=None):
        """The JSON body; `default` when there is none (Docker accepts an empty body
        where every field is optional)."""
        raw = self.body()
        if not raw.strip():
            return default
        from gateway.docker import json_body  # Docker's checks and Go's words for a bad body
        json_body.check_content_type(self.headers.get("content-type", ""))
        return json_body.decode(raw)

    def version_at_least(self, version: str) -> bool:
        from gateway.docker.versions import compare
        return compare(self.version, version) >= 0


@dataclass
class Response:
    """A whole body (JSON or bytes) with its status."""
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(value, status: int = 200, headers=()) -> Response:
    return Response(status, (json.dumps(value) + "\n").encode(), "application/json", list(headers))


def no_content() -> Response:
    return Response(204, b"", "")


@dataclass
class Stream:
    """A body written as it is made, chunk by chunk (chunked encoding): logs,
    events, stats, pull and build progress, archives. The iterator is closed
    when the client goes away, so a generator's `finally` ends its upstream call."""
    chunks: Iterable[bytes]
    content_type: str = "application/json"
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Called (from another thread) when the client hangs up while the stream
    # waits for data: e.g. the upstream gRPC call's cancel.
    on_close: Callable[[], None] | None = None


@dataclass
class Hijack:
    """The connection taken over after the response head (attach, exec start):
    `run(conn)` reads the client's stdin from it and writes the container's
    output to it, then the connection closes. `content_type` is Docker's:
    raw-stream for a tty, multiplexed-stream otherwise."""
    run: Callable[["RawConn"], None]
    content_type: str = "application/vnd.docker.raw-stream"
    headers: list[tuple[str, str]] = field(default_factory=list)
    # A whole response head of the handler's own, sent as it is instead
    # (attach/ws: the WebSocket handshake's 101 Switching Protocols).
    head: bytes | None = None


class RawConn:
    """The socket of a hijacked connection, with what the HTTP parser had
    already read past the request (a fast client's first stdin bytes)."""

    def __init__(self, sock, pending: bytes):
        self.sock = sock
        self.pending = pending

    def recv(self, n: int = 65536) -> bytes:
        if self.pending:
            data, self.pending = self.pending[:n], self.pending[n:]
            return data
        return self.sock.recv(n)

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(data)
