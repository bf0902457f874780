"""Attach through the gateway: the client's input stream becomes the
runtime's; output comes back as RunEvents; with config.start the container
starts once attached (docker run -it), and --rm is honoured at the end."""
import grpc

from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb
from gateway.api.api_common import stdio_input, upstream
from gateway.api.clients import Clients
from gateway.api.containers import Containers


def _runtime_input(msg, cid: str):
    kind = msg.WhichOneof("input")
    if kind == "start":
        return rpb.AttachInput(start=rpb.AttachSpec(id=cid, stdin=msg.start.stdin))
    return stdio_input(msg, rpb.AttachInput)


def _cannot_start(err: grpc.RpcError) -> bool:
    """The runtime's launch failed on the program (127 missing, 126 not runnable)."""
    from common.errors import EXIT_CODE_KEY
    return any(k == EXIT_CODE_KEY and v in ("126", "127") for k, v in err.trailing_metadata() or ())


def _attached_to_nothing(first, request_iterator):
    if first.start.notify_attached:
        yield pb.RunEvent(attached=True)
    try:
        for _ in request_iterator:  # the client's input, read to its end or its hang-up
            pass
    except grpc.RpcError:
        pass


def run(clients: Clients, flows: Containers, request_iterator, context):
    first = next(request_iterator, None)
    if first is None or first.WhichOneof("input") != "start":
        raise InvalidArgument("the first message of Attach must be its config (start)")
    ctr = clients.runtime.Inspect(rpb.InspectRequest(id=first.start.container))
    stopped = ctr.status in ("exited", "restarting") or (ctr.status == "created" and not ctr.pid)
    # hold: the same, its start left to a Start call (the Docker API's attach, then start)
    if (first.start.start or first.start.hold) and stopped:
        # start -a of a container that ran before: its shim again, init held, so
        # the attach below comes before the first byte of output; a created one
        # without an init (it joins another's namespaces) gets its first here
        try:
            ctr = clients.runtime.Start(rpb.StartRequest(id=ctr.id, launch_only=True))
        except grpc.RpcError as e:
            if first.start.hold and not first.start.start and _cannot_start(e):
                # Docker's attach to a container whose program cannot start
                # succeeds; the client's start that follows fails (and
                # removes a --rm one): attached to nothing until it hangs up
                yield from _attached_to_nothing(first, request_iterator)
                return
            flows.remove_after_failed_start(ctr.id)  # --rm, as Docker's daemon after a failed start
            raise

    def inputs():
        yield _runtime_input(first, ctr.id)
        try:
            for msg in request_iterator:
                converted = _runtime_input(msg, ctr.id)
                if converted is not None:
                    yield converted
        except grpc.RpcError:
            return  # the client's side ended (it left, or cancelled): no more input, not an error
    finished = False
    try:
        for out in upstream(context, clients.runtime.Attach(inputs())):
            kind = out.WhichOneof("event")
            if kind == "attached":
                if first.start.notify_attached:
                    yield pb.RunEvent(attached=True)
                if first.start.start:  # not flows.start: this stream itself honours --rm
                    clients.runtime.Start(rpb.StartRequest(id=ctr.id))
            elif kind == "exit_code":
                finished = True
                if ctr.spec.auto_remove and first.start.start:  # else its starter's watch removes it
                    result = clients.runtime.Inspect(rpb.InspectRequest(id=ctr.id))
                    flows.remove(ctr.id, force=True)
                    yield pb.RunEvent(exited=pb.RunEvent.Exited(exit_code=out.exit_code,
                                                                oom_killed=result.oom_killed))
                else:
                    yield pb.RunEvent(exited=pb.RunEvent.Exited(exit_code=out.exit_code))
            else:
                yield pb.RunEvent(output=pb.LogChunk(stream=int(out.output.stream), data=out.output.data))
    finally:
        # the client left or the attach failed: --rm still holds (the stream that started it owns it)
        if not finished and ctr.spec.auto_remove and first.start.start:
            now = clients.runtime.Inspect(rpb.InspectRequest(id=ctr.id))
            if now.status == "created":
                flows.remove(ctr.id, force=True)  # never started: nothing to wait for
            else:
                flows.watch_auto_remove(ctr.id)
