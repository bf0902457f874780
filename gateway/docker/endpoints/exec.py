"""Exec: POST /containers/{id}/exec, POST /exec/{id}/start, POST
/exec/{id}/resize, GET /exec/{id}/json.

Docker makes an exec in two steps (create, then start); doca.v1's Exec is
one stream whose first message is the config. The face keeps each created
config here, in memory with its id, as dockerd keeps its exec configs: the
start opens the doca.v1 stream, and the record follows its process
(Running, ExitCode) for /exec/{id}/json. Records go with the face's restart,
as dockerd's go with its own."""
import secrets
import threading
import time

import grpc

from doca.v1 import containers_pb2 as pb
from gateway.docker import mux
from gateway.docker.endpoints.streams import inspect
from gateway.docker.errors import ApiError
from gateway.docker.http import Hijack, Response, json_response
from gateway.docker.router import route

# Finished records are forgotten this long after their end (a client reads
# the exit code right after the stream ends); at most MAX_RECORDS are kept.
KEEP_FINISHED = 3600.0
MAX_RECORDS = 2048
# dockerd waits this long for an exec to start before refusing a resize.
RESIZE_WAIT = 10.0


class ExecRecord:
    def __init__(self, container_id: str, container_name: str, body: dict, started_at: str = ""):
        self.id = secrets.token_hex(32)
        self.container_id = container_id
        self.started_at = started_at  # the container's run the exec belongs to
        self.container_name = container_name
        self.body = body
        self.running = False
        self.exit_code: int | None = None
        self.pid = 0
        self.started = threading.Event()
        self.finished_at = 0.0
        self.pump: mux.Pump | None = None
        self.size: tuple[int, int] | None = None  # a resize before the start
        self.lock = threading.Lock()

    def document(self) -> dict:
        b = self.body
        cmd = b.get("Cmd") or []
        process = {"tty": bool(b.get("Tty")), "entrypoint": cmd[0] if cmd else "", "arguments": cmd[1:],
                   "privileged": bool(b.get("Privileged"))}
        if b.get("User"):
            process["user"] = b["User"]
        return {"ID": self.id, "Running": self.running, "ExitCode": self.exit_code, "ProcessConfig": process,
                "OpenStdin": bool(b.get("AttachStdin")), "OpenStderr": bool(b.get("AttachStderr")),
                "OpenStdout": bool(b.get("AttachStdout")), "CanRemove": False, "ContainerID": self.container_id,
                "DetachKeys": b.get("DetachKeys") or "", "Pid": self.pid}

    def finish(self, code: int) -> None:
        with self.lock:
            self.exit_code = code
            self.running = False
            self.finished_at = time.time()


_records: dict[str, ExecRecord] = {}
_lock = threading.Lock()


def _forget_old() -> None:
    now = time.time()
    with _lock:
        old = [k for k, r in _records.items() if r.finished_at and now - r.finished_at > KEEP_FINISHED]
        for k in old:
            del _records[k]
        if len(_records) >= MAX_RECORDS:  # the oldest finished first
            done = sorted((r.finished_at, k) for k, r in _records.items() if r.finished_at)
            for _, k in done[:len(_records) - MAX_RECORDS + 1]:
                del _records[k]


def _record(exec_id: str) -> ExecRecord:
    with _lock:
        rec = _records.get(exec_id)
    if rec is None:
        raise ApiError(404, f"No such exec instance: {exec_id}")
    return rec


def _live_record(backend, exec_id: str) -> ExecRecord:
    """The record, while its container runs the run it was made in: dockerd
    drops a container's execs when it stops (404 from then on)."""
    rec = _record(exec_id)
    try:
        state = inspect(backend, rec.container_id).get("State") or {}
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.NOT_FOUND:
            raise
        state = {}
    if not state.get("Running") or state.get("StartedAt", "") != rec.started_at:
        with _lock:
            _records.pop(exec_id, None)
        raise ApiError(404, f"No such exec instance: {exec_id}")
    return rec


_LISTS = ("Cmd", "Env")
_BOOLS = ("AttachStdin", "AttachStdout", "AttachStderr", "Tty", "Privileged")
_STRINGS = ("User", "WorkingDir", "DetachKeys")


def _check_body(body) -> dict:
    """Docker's types.ExecConfig, as Go's json decoder refuses a wrong type."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, "json: cannot unmarshal into Go value of type types.ExecConfig")
    for key in _LISTS:
        v = body.get(key)
        if v is not None and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise ApiError(400, f"json: cannot unmarshal {type(v).__name__} into Go struct field "
                                f"ExecConfig.{key} of type []string")
    for key in _BOOLS:
        v = body.get(key)
        if v is not None and not isinstance(v, bool):
            raise ApiError(400, f"json: cannot unmarshal {type(v).__name__} into Go struct field "
                                f"ExecConfig.{key} of type bool")
    for key in _STRINGS:
        v = body.get(key)
        if v is not None and not isinstance(v, str):
            raise ApiError(400, f"json: cannot unmarshal {type(v).__name__} into Go struct field "
                                f"ExecConfig.{key} of type string")
    size = body.get("ConsoleSize")
    if size is not None and not (isinstance(size, list) and len(size) == 2 and
                                 all(isinstance(x, int) and x >= 0 for x in size)):
        raise ApiError(400, "ConsoleSize: want [height, width], two unsigned integers")
    return body


@route("POST", "/containers/{id}/exec")
def create(req, backend):
    body = _check_body(req.json({}))
    doc = inspect(backend, req.params["id"])
    state = doc.get("State") or {}
    if state.get("Paused"):
        raise ApiError(409, f"Container {req.params['id']} is paused, unpause the container before exec")
    if not state.get("Running") or state.get("Restarting"):
        raise ApiError(409, f"Container {doc['Id']} is not running")
    if not body.get("Cmd"):
        raise ApiError(400, "No exec command specified")
    if body.get("DetachKeys"):
        try:
            mux.detach_keys(body["DetachKeys"])
        except ValueError as e:
            raise ApiError(400, f"Invalid detach keys ({body['DetachKeys']}) provided: {e}") from None
    _forget_old()
    rec = ExecRecord(doc["Id"], doc.get("Name", "").lstrip("/"), body, state.get("StartedAt", ""))
    with _lock:
        _records[rec.id] = rec
    return json_response({"Id": rec.id}, 201)


@route("GET", "/exec/{id}/json")
def exec_inspect(req, backend):
    rec = _live_record(backend, req.params["id"])
    with rec.lock:
        return json_response(rec.document())


@route("POST", "/exec/{id}/resize")
def resize(req, backend):
    rec = _live_record(backend, req.params["id"])
    h, w = req.query.int("h"), req.query.int("w")
    if h < 0 or w < 0:
        raise ApiError(400, "height and width must be non-negative")
    with rec.lock:
        if not rec.started.is_set():
            rec.size = (h, w)  # taken by the start, when it comes
    if not rec.started.wait(RESIZE_WAIT):
        raise ApiError(500, "timeout waiting for exec session ready")
    if rec.pump is not None and rec.running:
        rec.pump.put(pb.ExecInput(resize=pb.WindowSize(rows=h, cols=w)))
    return Response(200, b"", "")


def _config(rec: ExecRecord, detach: bool, size) -> pb.ExecConfig:
    b = rec.body
    cfg = pb.ExecConfig(container=rec.container_id, cmd=b.get("Cmd") or [], env=b.get("Env") or [],
                        workdir=b.get("WorkingDir") or "", user=b.get("User") or "", tty=bool(b.get("Tty")),
                        interactive=bool(b.get("AttachStdin")) and not detach,
                        privileged=bool(b.get("Privileged")), detach=detach, notify_started=True)
    if size:
        cfg.size.rows, cfg.size.cols = size
    return cfg


def _claim(rec: ExecRecord) -> None:
    with rec.lock:
        if rec.exit_code is not None:
            raise ApiError(409, f"Error: Exec command {rec.id} has already run")
        if rec.running or rec.started.is_set():
            raise ApiError(409, f"Error: Exec command {rec.id} is already running")
        rec.running = True


@route("POST", "/exec/{id}/start")
def start(req, backend):
    rec = _live_record(backend, req.params["id"])
    body = req.json({}) or {}
    if not isinstance(body, dict):
        raise ApiError(400, "json: cannot unmarshal into Go value of type types.ExecStartCheck")
    detach, tty = bool(body.get("Detach")), bool(body.get("Tty"))
    size = body.get("ConsoleSize") or rec.body.get("ConsoleSize")
    if size is not None and not (isinstance(size, list) and len(size) == 2 and
                                 all(isinstance(x, int) and x >= 0 for x in size)):
        raise ApiError(400, "ConsoleSize: want [height, width], two unsigned integers")
    _claim(rec)
    if detach:
        return _start_detached(backend, rec, size)
    return Hijack(lambda conn: _attached(backend, rec, tty, size, conn), mux.content_type(req, tty))


def _start_detached(backend, rec: ExecRecord, size):
    """Returns once the process runs; a process that could not start is the
    answer's error, as dockerd's (400 with the runtime's words)."""
    call = backend.containers.Exec(iter([pb.ExecInput(start=_config(rec, True, rec.size or size))]))
    errors = []
    try:
        for out in call:
            kind = out.WhichOneof("event")
            if kind == "started":
                rec.pid = out.started
            elif kind == "output":
                errors.append(out.output.data)
            elif kind == "exit_code":
                rec.started.set()
                rec.finish(out.exit_code)
                if errors:
                    raise ApiError(400, b"".join(errors).decode(errors="replace").strip())
                return Response(200, b"", "")
    except grpc.RpcError:
        rec.finish(126)
        rec.started.set()
        raise
    # The stream ended without an exit: the process runs on, on its own.
    rec.started.set()
    _follow(backend, rec)
    return Response(200, b"", "")


def _follow(backend, rec: ExecRecord) -> None:
    """A detached exec's end is not told by doca.v1: Running stays true while
    its process (the pid the runtime gave, on this host) is there and its
    container runs; its exit code stays unknown (null)."""
    def alive() -> bool:
        try:
            with open(f"/proc/{rec.pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False

    def watch():
        while True:
            time.sleep(0.5)
            if rec.pid and not alive():
                break
            try:
                doc = inspect(backend, rec.container_id)
            except grpc.RpcError:
                break
            if not (doc.get("State") or {}).get("Running"):
                break
        with rec.lock:
            rec.running = False
            rec.finished_at = time.time()
    threading.Thread(target=watch, daemon=True, name="exec-detached").start()


def _attached(backend, rec: ExecRecord, tty: bool, size, conn) -> None:
    b = rec.body
    want_in, want_out, want_err = bool(b.get("AttachStdin")), bool(b.get("AttachStdout")), bool(b.get("AttachStderr"))
    escape = mux.detach_keys(b.get("DetachKeys") or mux.DEFAULT_DETACH_KEYS) if want_in and tty else b""
    first = pb.ExecInput(start=_config(rec, False, rec.size or size))
    pump = mux.Pump(conn, first, lambda data: pb.ExecInput(stdin=data), pb.ExecInput(close_stdin=True),
                    read_stdin=want_in, escape=escape)
    code = None
    try:
        call = backend.containers.Exec(pump.inputs())
        # A client that leaves (or detaches) leaves the process running, as
        # dockerd's: the output is drained here until its exit is recorded.
        rec.pump = pump
        rec.started.set()
        if rec.size and size and rec.size != tuple(size):  # a resize came before the start
            pump.put(pb.ExecInput(resize=pb.WindowSize(rows=rec.size[0], cols=rec.size[1])))
        pump.start()
        for out in call:
            kind = out.WhichOneof("event")
            if kind == "started":
                rec.pid = out.started
            elif kind == "output":
                if (want_err if out.output.stream == pb.LogChunk.STDERR else want_out) and \
                        not pump.client_gone.is_set():
                    try:
                        conn.sendall(mux.encode(out.output, tty))
                    except OSError:
                        pump.client_gone.set()
                        mux.shutdown(conn)
            elif kind == "exit_code":
                code = out.exit_code
                break
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            try:  # after the head: dockerd too writes the error into the stream
                conn.sendall((e.details() or "exec failed").encode() + b"\r\n")
            except OSError:
                pass
            code = 126 if code is None else code
    finally:
        pump.finish()
        rec.started.set()
        if code is not None:
            rec.finish(code)  # before the connection ends: the client asks for it next
        else:
            with rec.lock:
                rec.running = False
                rec.finished_at = time.time()
        mux.shutdown(conn)
