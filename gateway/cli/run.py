"""`doca run`, `create`, `start` (messages from the CLI codec: no protobuf import)."""
import sys

from gateway.cli import request
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.client import RpcError


def config(args) -> pb.ContainerConfig:
    """run's and create's ContainerConfig: what flags.py says each flag fills."""
    from gateway.cli import convert
    convert.platform(args.platform, args.image)
    convert.detach_keys(getattr(args, "detach_keys", ""))  # run's: a bad sequence fails before anything is made
    if args.attach or args.use_api_socket:  # -a's streams read (and checked) once, here
        from gateway.cli import attached_streams
        attached_streams.check(args)
    rows, cols = (0, 0)
    if args.tty:
        from gateway.cli import terminal
        rows, cols = terminal.size()
    return pb.ContainerConfig(console_size=pb.WindowSize(rows=rows, cols=cols), **request.fields("create", args))


class CidFile:
    """--cidfile: made empty before the create (it must not exist: Docker's
    guard against two containers writing one file), the id written once
    created, removed if the create failed."""

    def __init__(self, path: str, verb: str):
        self.path, self.written = path, False
        if not path:
            return
        import os
        from gateway.cli.convert import UsageError
        if os.path.exists(path):
            err = UsageError(f"container ID file found, make sure the other container isn't running or delete "
                             f"{path}")
            err.exit_code = 125 if verb == "run" else 1  # Docker's: create's errors exit 1
            raise err
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except OSError as e:
            err = UsageError(f"failed to create the container ID file: open {path}: {(e.strerror or '').lower()}")
            if verb == "run" and e.errno == 2:
                err.exit_code = 127  # Docker's run: a missing file
            raise err from None

    def write(self, cid: str) -> None:
        if self.path and not self.written:
            with open(self.path, "w") as f:
                f.write(cid)
            self.written = True

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if self.path and not self.written:
            import os
            try:
                os.unlink(self.path)
            except OSError:
                pass


def warn(warnings) -> None:
    """What the engine warns of (a limit this kernel discards...), as Docker's CLI prints it."""
    for line in warnings:
        sys.stderr.write(f"WARNING: {line}\n")
    sys.stderr.flush()


def _pull(args) -> None:
    from gateway.cli import registry  # its imports only when a pull happens
    if getattr(args, "quiet", False):  # Docker's run -q: nothing of the pull, not even its reference
        import io
        registry.fetch(args, args.image, quiet=True, out=io.StringIO())
        return
    registry.fetch(args, args.image, out=sys.stderr)


def with_image(args, call):
    """Docker's --pull for run and create: "missing" (the default) pulls
    when the store has no such image and calls again, "always" pulls first,
    "never" leaves a missing image an error. Progress goes to stderr."""
    if args.pull == "always":
        _pull(args)
        return call()
    try:
        return call()
    except RpcError as err:
        if args.pull == "never" or err.code().name != "NOT_FOUND" or \
                not (err.details() or "").startswith("No such image"):
            raise
    if not getattr(args, "quiet", False):  # -q: Docker's CLI says nothing of the pull
        sys.stderr.write(f"Unable to find image '{args.image}' locally\n")
    _pull(args)
    return call()


def _started_run(args):
    """The Run stream with its first event read: a missing image fails here."""
    stream = conn.containers(args).Run(pb.RunRequest(config=config(args), detach=args.detach))
    first = next(stream, None)
    return stream if first is None else _chain(first, stream)


def _chain(first, rest):
    yield first
    yield from rest


def run(args) -> int:
    try:
        with CidFile(args.cidfile, "run") as cidfile:
            return _run(args, cidfile)
    except RpcError as err:
        code = _start_failure_code(err)
        if code is None:
            raise
        from gateway.cli import errors
        sys.stderr.write(f"doca: {errors.message(err, args.host)}\n")
        return code


def _start_failure_code(err: RpcError) -> int | None:
    """Docker's run exits 127 when starting failed on a missing file
    ("no such file or directory": a --device, a command) and 126 on a
    permission; an exit code the engine chose stands."""
    from common.errors import EXIT_CODE_KEY
    if any(key == EXIT_CODE_KEY for key, _ in err.trailing_metadata() or ()):
        return None
    details = err.details() or ""
    if "no such file or directory" in details or "executable file not found" in details:
        return 127
    if "permission denied" in details.lower():
        return 126
    return None


def _run(args, cidfile: CidFile) -> int:
    if args.attach and not args.detach and not {"stdout", "stderr"} & {a.lower() for a in args.attach}:
        return _run_unwatched(args, cidfile)
    if (args.interactive or args.tty) and not args.detach:
        from gateway.cli import terminal
        if terminal.not_a_tty(args):
            return 1
        # Docker's order: create, attach, then start once attached (no output lost).
        resp = with_image(args, lambda: conn.containers(args).Create(config(args)))
        warn(resp.warnings)
        cid = resp.id
        cidfile.write(cid)
        from gateway.cli import attach, convert
        with _proxy(args, cid), _only_attached(args):
            return attach.stream(args, cid, stdin=args.interactive, tty=args.tty, start=True,
                                 detach_keys=convert.detach_keys(args.detach_keys))
    stream = with_image(args, lambda: _started_run(args))
    out, err = sys.stdout.buffer, sys.stderr.buffer
    code = 0
    proxy = None
    try:
        for event in stream:
            kind = event.WhichOneof("event")
            if kind == "created":
                cidfile.write(event.created.id)
                warn(event.created.warnings)
                # Docker's: the id when no output is attached (-d, or -a stdin alone)
                if args.detach or (args.attach and not {"stdout", "stderr"} & set(args.attach)):
                    print(event.created.id, flush=True)
                if not args.detach:
                    proxy = _proxy(args, event.created.id).__enter__()
            elif kind == "output":
                if args.attach and ("stderr" if event.output.stream == pb.LogChunk.STDERR else "stdout") \
                        not in args.attach:
                    continue  # -a: that stream is not attached
                f = err if event.output.stream == pb.LogChunk.STDERR else out
                f.write(event.output.data)
                f.flush()
            elif kind == "exited":
                code = event.exited.exit_code
    finally:
        if proxy is not None:
            proxy.__exit__(None, None, None)
    return code


def _run_unwatched(args, cidfile: CidFile) -> int:
    """-a stdin alone: Docker's CLI starts the container, prints its id and
    returns 0 without waiting, as for -d (Config.Attach* stay as given)."""
    resp = with_image(args, lambda: conn.containers(args).Create(config(args)))
    warn(resp.warnings)
    cidfile.write(resp.id)
    conn.containers(args).Start(pb.ContainerRef(id=resp.id))
    print(resp.id, flush=True)
    return 0


def _only_attached(args):
    """-a: the streams not named go nowhere (attach.stream writes both)."""
    if not args.attach:
        return _NoProxy()
    from gateway.cli import attached_streams
    return attached_streams.only(args.attach)


class _NoProxy:
    """With -t the terminal's signals are the container's already. (Not
    contextlib.nullcontext: contextlib imports os, off run's start-up path.)"""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _proxy(args, cid: str):
    """Docker's --sig-proxy (default true, not with -t): signals go to the
    container; --sig-proxy=false leaves them to this CLI (its default
    handling: an interrupt ends the run, the container runs on)."""
    if args.tty or not getattr(args, "sig_proxy", True):
        return _NoProxy()
    from gateway.cli.sigproxy import SignalProxy
    return SignalProxy(args, cid)


def create(args) -> int:
    with CidFile(args.cidfile, "create") as cidfile:
        resp = with_image(args, lambda: conn.containers(args).Create(config(args)))
        cidfile.write(resp.id)
    warn(resp.warnings)
    print(resp.id)
    return 0


def start(args) -> int:
    if args.attach or args.interactive:
        return _start_attached(args)
    stub = conn.containers(args)
    failed = []
    for ref in args.containers:
        # As Docker's CLI: each failure on its line, the others still
        # started, then one summary line and exit 1 (not the start's 127/126)
        try:
            stub.Start(pb.ContainerRef(id=ref))
        except RpcError as e:
            from gateway.cli import errors
            sys.stderr.write(f"doca: {errors.message(e, args.host)}\n")
            failed.append(ref)
            continue
        print(ref)
    if failed:
        sys.stderr.write(f"doca: failed to start containers: {', '.join(failed)}\n")
        return 1
    return 0


def _start_attached(args) -> int:
    """start -a [-i]: attached first, then started (no output lost); the
    container's exit code is ours, as with docker start -a."""
    if len(args.containers) > 1:
        sys.stderr.write("doca: you cannot start and attach multiple containers at once\n")
        return 1
    from gateway.cli import attach, output, terminal
    doc = output.struct_to_dict(conn.containers(args).Inspect(pb.ContainerRef(id=args.containers[0])))
    tty = bool(doc["Config"].get("Tty"))
    stdin = args.interactive and bool(doc["Config"].get("OpenStdin"))
    args.tty = tty
    if terminal.not_a_tty(args):
        return 1
    from gateway.cli import convert
    try:  # read only when attaching, as Docker's (start without -a takes any)
        keys = convert.detach_keys(args.detach_keys)
    except convert.UsageError as e:
        e.exit_code = 1  # the daemon's refusal in Docker's
        raise
    try:
        return attach.stream(args, doc["Id"], stdin=stdin, tty=tty, start=True, detach_keys=keys)
    except RpcError as e:  # a start that failed: Docker's start -a exits 1, not the start's 127/126
        from gateway.cli import errors
        sys.stderr.write(f"doca: {errors.message(e, args.host)}\n")
        return 1
