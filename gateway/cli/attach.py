"""`doca attach [--no-stdin] [--detach-keys K] [--sig-proxy=false] CTR`, and
the attached half of `doca run -it`: the container's output here, this
terminal's input there (raw mode with -t), detach with ctrl-p ctrl-q or
--detach-keys (the container keeps running); without -t the signals this
CLI gets go to the container (--sig-proxy, Docker's default)."""
import sys

from gateway.cli import terminal
from gateway.cli.rpc import conn, doca_v1 as pb


def _requests(cid: str, stdin: bool, start: bool, inputs):
    yield pb.AttachInput(start=pb.AttachConfig(container=cid, stdin=stdin, start=start))
    if inputs is None:
        return
    for kind, value in inputs:
        if kind == "stdin":
            yield pb.AttachInput(stdin=value)
        elif kind == "resize":
            yield pb.AttachInput(resize=pb.WindowSize(rows=value[0], cols=value[1]))
        elif kind == "close":
            yield pb.AttachInput(close_stdin=True)
        elif kind == "detach":
            return


def stream(args, cid: str, stdin: bool, tty: bool, start: bool, detach_keys: bytes | None = None) -> int:
    """`detach_keys`: run --detach-keys' sequence (default ctrl-p ctrl-q)."""
    raw = terminal.RawMode(tty and stdin)
    inputs = (terminal.Inputs(read_stdin=stdin, tty=tty, on_detach=lambda: terminal.detach_now(raw),
                              detach_keys=detach_keys or terminal.DETACH_KEYS)
              if (stdin or tty) else None)
    out, err = sys.stdout.buffer, sys.stderr.buffer
    code = 0
    with raw:
        requests = _requests(cid, stdin, start, inputs)
        for event in conn.containers(args).Attach(requests if inputs is not None else list(requests)):
            kind = event.WhichOneof("event")
            if kind == "output":
                f = err if event.output.stream == pb.LogChunk.STDERR else out
                f.write(event.output.data)
                f.flush()
            elif kind == "exited":
                code = event.exited.exit_code
    if inputs is not None:
        inputs.stop()
    return code


def attach(args) -> int:
    import contextlib
    from gateway.cli import convert, output
    try:
        keys = convert.detach_keys(args.detach_keys)
    except convert.UsageError as e:
        e.exit_code = 1  # the daemon's refusal in Docker's
        raise
    doc = output.struct_to_dict(conn.containers(args).Inspect(pb.ContainerRef(id=args.container)))
    state = doc.get("State") or {}
    if state.get("Paused"):  # Docker's daemon's words; a created container is not running either
        sys.stderr.write("doca: You cannot attach to a paused container, unpause it first\n")
        return 1
    if not state.get("Running"):
        sys.stderr.write("doca: You cannot attach to a stopped container, start it first\n")
        return 1
    tty = bool(doc["Config"].get("Tty"))
    stdin = not args.no_stdin and bool(doc["Config"].get("OpenStdin"))
    proxy = contextlib.nullcontext()
    if args.sig_proxy and not tty:
        from gateway.cli.sigproxy import SignalProxy
        proxy = SignalProxy(args, doc["Id"])
    with proxy:
        return stream(args, doc["Id"], stdin=stdin, tty=tty, start=False, detach_keys=keys)


