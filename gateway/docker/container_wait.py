"""POST /containers/{id}/wait with Docker's conditions:
- not-running (default): at once when the container is not running, else
  at its exit;
- next-exit: at its next exit (docker run waits so before it starts it);
- removed: at its exit and removal (docker run --rm).
The response head goes out at once (the docker CLI sends start only after
it has it: the wait is then registered); the body, {"StatusCode": N,
"Error": null}, when the condition holds. doca.v1 Wait blocks until the
container's process exits (through a start, for a created one); removal is
seen when Inspect no longer finds it."""
import json
import threading
import time

import grpc

from doca.v1 import containers_pb2 as cpb
from gateway.docker.documents import from_struct
from gateway.docker.http import Stream

CONDITIONS = ("not-running", "next-exit", "removed")


def _body(code: int, error: str | None = None) -> bytes:
    return (json.dumps({"Error": {"Message": error} if error else None, "StatusCode": code}) + "\n").encode()


class _Calls:
    """The upstream call in progress, cancelled when the client hangs up."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current = None
        self.closed = False

    def set(self, call):
        with self.lock:
            if self.closed:
                call.cancel()
            self.current = call
        return call

    def cancel(self):
        with self.lock:
            self.closed = True
            if self.current is not None:
                self.current.cancel()


def wait(backend, ref: str, condition: str) -> Stream:
    if condition not in CONDITIONS:  # as dockerd: an unknown condition is the default
        condition = "not-running"
    doc = from_struct(backend.containers.Inspect(cpb.ContainerRef(id=ref)))  # 404 before the head
    cid, state = doc["Id"], doc.get("State") or {}
    active = state.get("Running") or state.get("Restarting") or state.get("Paused")
    calls = _Calls()

    def chunks():
        if condition == "not-running" and not active:
            yield _body(int(state.get("ExitCode") or 0))
            return
        code = int(state.get("ExitCode") or 0)
        try:
            r = calls.set(backend.containers.Wait.future(cpb.ContainerRef(id=cid))).result()
            code = r.exit_code
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.CANCELLED:
                return
            if not (condition == "removed" and e.code() == grpc.StatusCode.NOT_FOUND):
                yield _body(-1, e.details() or e.code().name.lower())
                return
        if condition == "removed":
            _until_removed(backend, cid, calls)
        yield _body(code)

    return Stream(chunks(), on_close=calls.cancel)


def _until_removed(backend, cid: str, calls: _Calls) -> None:
    """Polls (a removal follows an exit within milliseconds for --rm; the
    interval grows to 0.2 s for a container someone else removes later)."""
    pause = 0.005
    while not calls.closed:
        try:
            backend.containers.Inspect(cpb.ContainerRef(id=cid), timeout=30)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:
                return
            raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)
