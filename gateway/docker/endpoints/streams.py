"""Container streams: GET /containers/{id}/logs, POST /containers/{id}/attach
and GET /containers/{id}/attach/ws, over doca.v1 Containers.Logs and
Containers.Attach. Docker's stream formats are gateway/docker/mux.py's."""
import time

import grpc

from doca.v1 import containers_pb2 as pb
from gateway.docker import mux, ttys, websocket
from gateway.docker.documents import from_struct
from gateway.docker.errors import ApiError
from gateway.docker.http import Hijack, Stream
from gateway.docker.router import route


def inspect(backend, ref: str) -> dict:
    """The container's inspect document (404 in Docker's words when missing)."""
    return from_struct(backend.containers.Inspect(pb.ContainerRef(id=ref)))


def _time_param(req, name: str) -> str:
    """since/until as the client sends them (a Unix time, "1700000000.000000000");
    0 or empty is no bound. Checked here: an error after the head is lost."""
    value = req.query.get(name).strip()
    if not value:
        return ""
    try:
        number = float(value)
    except ValueError:
        raise ApiError(400, f'invalid value for "{name}": failed to parse value as time or duration: '
                            f'"{value}"') from None
    return "" if number == 0 else value


def _tail(req) -> int | None:
    value = req.query.get("tail", "all").strip()
    if value in ("", "all"):
        return None
    try:
        n = int(value)
    except ValueError:
        return None  # dockerd 20.10 reads a tail it cannot parse as all of it
    return None if n < 0 else min(n, 2**31 - 1)


def _readable(doc: dict) -> None:
    if ((doc.get("HostConfig") or {}).get("LogConfig") or {}).get("Type") == "none":
        raise ApiError(501, "configured logging driver does not support reading")


@route("GET", "/containers/{id}/logs")
def logs(req, backend):
    q = req.query
    want_out, want_err = q.bool("stdout"), q.bool("stderr")
    if not (want_out or want_err):
        raise ApiError(400, "Bad parameters: you must choose at least one stream")
    doc = inspect(backend, req.params["id"])
    _readable(doc)
    tty = bool(doc["Config"].get("Tty"))
    timestamps = q.bool("timestamps")
    request = pb.LogsRequest(id=doc["Id"], follow=q.bool("follow"), since=_time_param(req, "since"),
                             until=_time_param(req, "until"), timestamps=timestamps)
    tail = _tail(req)
    if tail is not None:
        request.tail = tail
    call = backend.containers.Logs(request)

    def chunks():
        try:
            for chunk in call:
                if (want_err if chunk.stream == pb.LogChunk.STDERR else want_out):
                    yield mux.encode(chunk, tty, timestamps)
        finally:
            call.cancel()
    return Stream(chunks(), mux.content_type(req, tty), on_close=call.cancel)


class AttachOptions:
    def __init__(self, req, doc: dict):
        q = req.query
        config = doc.get("Config") or {}
        self.tty = bool(config.get("Tty"))
        self.raw = self.tty  # output not multiplexed (a tty's, or attach/ws's)
        self.logs = q.bool("logs")
        self.stream = q.bool("stream")
        # stdin only reaches a container made with it open (-i), as dockerd's
        self.stdin = q.bool("stdin") and bool(config.get("OpenStdin"))
        self.stdin_once = bool(config.get("StdinOnce"))
        self.stdout, self.stderr = q.bool("stdout"), q.bool("stderr")
        # bytes may follow the head at once: a log to replay, a running container's output
        self.settle = self.logs or bool((doc.get("State") or {}).get("Running"))
        keys = q.get("detachKeys") or mux.DEFAULT_DETACH_KEYS
        try:
            self.escape = mux.detach_keys(keys) if self.tty and self.stdin else b""
        except ValueError as e:
            raise ApiError(400, f"Invalid detach keys ({keys}) provided: {e}") from None

    def wants(self, stream: int) -> bool:
        return self.stderr if stream == pb.LogChunk.STDERR else self.stdout


def _attachable(backend, ref: str) -> dict:
    doc = inspect(backend, ref)
    state = doc.get("State") or {}
    if state.get("Paused"):
        raise ApiError(409, "You cannot attach to a paused container, unpause it first")
    if state.get("Restarting"):
        raise ApiError(409, "You cannot attach to a restarting container, wait until it is running")
    return doc


@route("POST", "/containers/{id}/attach")
def attach(req, backend):
    doc = _attachable(backend, req.params["id"])
    opts = AttachOptions(req, doc)
    if opts.logs:
        _readable(doc)
    live = _open(backend, doc, opts) if opts.stream else None
    return Hijack(lambda conn: _attach(backend, doc["Id"], opts, live, conn), mux.content_type(req, opts.tty))


@route("GET", "/containers/{id}/attach/ws")
def attach_ws(req, backend):
    """attach over a WebSocket (moby's attach/ws): the same attach, its
    output in binary messages, never multiplexed; stdin from the client's."""
    head = websocket.handshake(req.headers)
    if head is None:
        raise ApiError(400, "Bad Request: not a WebSocket handshake (Upgrade: websocket, Sec-WebSocket-Key)")
    doc = _attachable(backend, req.params["id"])
    opts = AttachOptions(req, doc)
    opts.raw = True
    if opts.logs:
        _readable(doc)
    live = _open(backend, doc, opts) if opts.stream else None
    return Hijack(lambda conn: _attach(backend, doc["Id"], opts, live, websocket.WsConn(conn)), head=head)


class Live:
    """An attach stream opened before the answer goes out: the client's start
    that follows (docker run, docker start -a) finds it attached."""

    def __init__(self, call, pump, events):
        self.call, self.pump, self.events = call, pump, events

    def resize(self, h: int, w: int) -> None:
        self.pump.put(pb.AttachInput(resize=pb.WindowSize(rows=h, cols=w)))


def _open(backend, doc: dict, opts: AttachOptions) -> Live:
    status = (doc.get("State") or {}).get("Status")
    # A stopped container is made ready as a created one (its first process
    # held) for the client's start: docker start -a, compose up.
    hold = status == "exited" or (status == "created" and not (doc.get("State") or {}).get("Pid"))
    first = pb.AttachInput(start=pb.AttachConfig(container=doc["Id"], stdin=opts.stdin, notify_attached=True,
                                                 hold=hold))
    close = pb.AttachInput(close_stdin=True) if opts.stdin and opts.stdin_once else None
    pump = mux.Pump(None, first, lambda data: pb.AttachInput(stdin=data), close, read_stdin=opts.stdin,
                    escape=opts.escape)
    call = backend.containers.Attach(pump.inputs())
    events = iter(call)
    try:
        for ev in events:  # errors (a missing container...) are still the answer's status here
            if ev.WhichOneof("event") == "attached":
                break
    except BaseException:
        pump.finish()
        call.cancel()
        raise
    live = Live(call, pump, events)
    if opts.tty:  # before the head: the client's resize follows it at once
        ttys.register(doc["Id"], live.resize)
    return live


# Before the first bytes after the head: the Docker SDK reads the head
# through a buffered reader, then the rest from the socket beneath it, so
# bytes that arrive with the head are lost to it (dockerd's too, by timing).
SETTLE = 0.05


def _attach(backend, cid: str, opts: AttachOptions, live: Live | None, conn) -> None:
    try:
        if opts.settle:  # not before a start the client sends after the head (docker run)
            time.sleep(SETTLE)
        if opts.logs:
            for chunk in backend.containers.Logs(pb.LogsRequest(id=cid)):
                if opts.wants(chunk.stream):
                    conn.sendall(mux.encode(chunk, opts.raw))
        if live is not None:
            _live(cid, opts, live, conn)
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            # The head is sent: dockerd too can only write the error into the stream.
            try:
                conn.sendall((e.details() or "attach failed").encode() + b"\n")
            except OSError:
                pass
    finally:
        if live is not None:
            live.pump.finish()
            live.call.cancel()
            if opts.tty:
                ttys.unregister(cid, live.resize)
        mux.shutdown(conn)


def _live(cid: str, opts: AttachOptions, live: Live, conn) -> None:
    pump, call = live.pump, live.call
    pump.conn = conn
    pump.on_gone = call.cancel
    pump.start()
    try:
        for ev in live.events:
            kind = ev.WhichOneof("event")
            if kind == "output" and opts.wants(ev.output.stream):
                conn.sendall(mux.encode(ev.output, opts.raw))
            elif kind == "exited":
                break
    except OSError:
        pass  # the client went away
    finally:
        pump.finish()
        call.cancel()
