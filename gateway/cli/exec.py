"""`doca exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u USER] CTR CMD...`"""
import sys

from gateway.cli import request, terminal
from gateway.cli.rpc import conn, doca_v1 as pb


def _requests(args, inputs, fields: dict):
    rows, cols = terminal.size() if args.tty else (0, 0)
    yield pb.ExecInput(start=pb.ExecConfig(size=pb.WindowSize(rows=rows, cols=cols), **fields))
    if inputs is None:
        return
    for kind, value in inputs:
        if kind == "stdin":
            yield pb.ExecInput(stdin=value)
        elif kind == "resize":
            yield pb.ExecInput(resize=pb.WindowSize(rows=value[0], cols=value[1]))
        elif kind == "close":
            yield pb.ExecInput(close_stdin=True)
        elif kind == "detach":
            return


def exec_(args) -> int:
    if not args.command:
        sys.stderr.write("doca: exec needs a command: doca exec [OPTIONS] CONTAINER COMMAND [ARG...]\n")
        return 125
    from gateway.cli import convert
    try:
        # Docker's exec fails with 1 on these (an --env-file it cannot read, bad --detach-keys), not 125
        fields = request.fields("exec", args)
        keys = convert.detach_keys(args.detach_keys) or terminal.DETACH_KEYS
    except convert.UsageError as e:
        e.exit_code = 1
        raise
    except OSError as e:  # an --env-file: Docker's words
        err = convert.UsageError(f"open {e.filename}: {(e.strerror or str(e)).lower()}")
        err.exit_code = 1
        raise err from None
    if not args.detach and terminal.not_a_tty(args):
        return 1
    raw = terminal.RawMode(args.tty and args.interactive)
    inputs = (terminal.Inputs(read_stdin=args.interactive, tty=args.tty, on_detach=lambda: terminal.detach_now(raw),
                              detach_keys=keys)
              if (args.interactive or args.tty) else None)
    out = sys.stdout.buffer
    err = sys.stderr.buffer
    code = 0
    with raw:
        requests = _requests(args, inputs, fields)
        # Without input the one request is known now: no sending thread.
        stream = conn.containers(args).Exec(requests if inputs is not None else list(requests))
        for event in stream:
            if event.WhichOneof("event") == "exit_code":
                code = event.exit_code
            else:
                f = err if event.output.stream == pb.LogChunk.STDERR else out
                f.write(event.output.data)
                f.flush()
    if inputs is not None:
        inputs.stop()
    return code
