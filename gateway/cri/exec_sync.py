"""ExecSync onto doca.v1 Exec: the output gathered, the exit code; with a
timeout the process is killed at its end (SIGKILL to its host pid, which
doca.v1 reports when asked) and the call fails DEADLINE_EXCEEDED, as
containerd's does."""
import os
import signal
import threading

from common.errors import DocaError, InvalidArgument
from doca.v1 import containers_pb2 as cpb
from gateway.cri import records


class DeadlineExceeded(DocaError):
    code = "DEADLINE_EXCEEDED"


def run(b, request):
    if not request.cmd:
        raise InvalidArgument("ExecSync needs a command")
    doc = records.must_inspect(b, request.container_id, records.CONTAINER_KIND)
    start = cpb.ExecConfig(container=doc["Id"], cmd=list(request.cmd), notify_started=True)
    call = b.containers.Exec(iter([cpb.ExecInput(start=start)]))
    out, err, code, pid = bytearray(), bytearray(), None, 0
    expired = threading.Event()

    def expire():
        expired.set()
        if pid > 0:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            call.cancel()
    timer = threading.Timer(request.timeout, expire) if request.timeout > 0 else None
    if timer:
        timer.daemon = True
        timer.start()
    try:
        for msg in call:
            kind = msg.WhichOneof("event")
            if kind == "started":
                pid = msg.started
                if expired.is_set():
                    expire()
            elif kind == "output":
                (err if msg.output.stream == cpb.LogChunk.STDERR else out).extend(msg.output.data)
            elif kind == "exit_code":
                code = msg.exit_code
    except Exception:
        if not expired.is_set():
            raise
    finally:
        if timer:
            timer.cancel()
    if expired.is_set():
        raise DeadlineExceeded(f"command {list(request.cmd)} timed out after {request.timeout}s (killed)")
    return bytes(out), bytes(err), code if code is not None else 0
