"""doca exec through the gateway: the client's stream of ExecInput becomes
the runtime's, and the runtime's output comes back as it is."""
import logging
import threading

from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb
from gateway.api.api_common import stdio_input
from gateway.api.clients import Clients

log = logging.getLogger("doca.gateway.exec")


def _runtime_input(msg):
    kind = msg.WhichOneof("input")
    if kind == "start":
        c = msg.start
        size = rpb.WindowSize(rows=c.size.rows, cols=c.size.cols)
        return rpb.ExecInput(start=rpb.ExecSpec(
            id=c.container, args=c.cmd, env=c.env, cwd=c.workdir, user=c.user, tty=c.tty,
            stdin=c.interactive, size=size, privileged=c.privileged))
    return stdio_input(msg, rpb.ExecInput)


def run(clients: Clients, request_iterator, context):
    first = next(request_iterator, None)
    if first is None or first.WhichOneof("input") != "start":
        raise InvalidArgument("the first message of Exec must be its config (start)")

    def inputs():
        yield _runtime_input(first)
        for msg in request_iterator:
            converted = _runtime_input(msg)
            if converted is not None:
                yield converted
    call = clients.runtime.Exec(inputs())
    if first.start.detach:
        yield from _detached(call, first.start.notify_started)
        return
    for out in call:
        kind = out.WhichOneof("event")
        if kind == "exit_code":
            yield pb.ExecOutput(exit_code=out.exit_code)
        elif kind == "started":
            if first.start.notify_started:
                yield pb.ExecOutput(started=out.pid)
        elif kind == "output":
            yield pb.ExecOutput(output=pb.LogChunk(stream=int(out.output.stream), data=out.output.data))


def _detached(call, notify_started: bool):
    """exec -d returns once the process runs, as Docker's does: a process
    that could not start gives its error output and exit code instead. Its
    output until then is the error's, or the process's (dropped)."""
    before = []
    for out in call:
        kind = out.WhichOneof("event")
        if kind == "started":
            # The runtime keeps the stream; consume it here so the process is not cut off.
            threading.Thread(target=lambda: [None for _ in call], daemon=True, name="exec-detached").start()
            if notify_started:
                yield pb.ExecOutput(started=out.pid)
            return
        if kind == "output":
            # Docker's daemon answers the start with the error: on stderr, exit 1
            before.append(pb.ExecOutput(output=pb.LogChunk(stream=2, data=out.output.data)))
        elif kind == "exit_code":
            yield from before
            yield pb.ExecOutput(exit_code=1 if out.exit_code in (126, 127) else out.exit_code)
            return
