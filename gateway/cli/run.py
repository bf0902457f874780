"""`doca run`, `create`, `start` (messages from the CLI codec: no protobuf import)."""
import sys

from gateway.cli import conn
from gateway.cli.transport import RpcError
from gateway.cli.wire import doca_v1 as pb


def _labels(items) -> dict:
    return dict(i.split("=", 1) if "=" in i else (i, "") for i in items)


def _env(items) -> list[str]:
    # Docker passes a bare KEY through from the client's environment.
    out = []
    for item in items:
        if "=" not in item:
            import os
            if item in os.environ:
                out.append(f"{item}={os.environ[item]}")
            continue
        out.append(item)
    return out


class UsageError(Exception):
    """A flag's value the CLI itself refuses: one line, Docker's 125."""
    for_the_user = True
    exit_code = 125


def _env_files(paths) -> list[str]:
    """--env-file: KEY=VALUE lines, # comments, a bare KEY from our environment
    (read here, on the client, as Docker does, with its message for bytes
    that are not UTF-8; a NUL byte is the engine's to refuse)."""
    out = []
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read().split(b"\n")
        lines = []
        for number, line in enumerate(raw, 1):
            try:
                lines.append(line.decode("utf-8").strip())
            except UnicodeDecodeError:
                raise UsageError(f"env file {path} contains invalid utf8 bytes at line {number}: "
                                 f"[{' '.join(str(b) for b in line[:64])}]") from None
        out += _env([line for line in lines if line and not line.startswith("#")])
    return out


def _seccomp_profile(path: str) -> str:
    """The profile FILE as compact JSON, as Docker's CLI sends it. Its
    content is never quoted in an error: only where JSON failed."""
    import json
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UsageError(f"opening seccomp profile ({path}) failed: {e.strerror}") from None
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        where = f"line {e.lineno} column {e.colno}" if isinstance(e, json.JSONDecodeError) else "its encoding"
        raise UsageError(f"compacting json for seccomp profile ({path}) failed: not valid JSON ({where})") from None
    if not isinstance(doc, dict):
        raise UsageError(f"seccomp profile ({path}): the top level must be a JSON object")
    return json.dumps(doc, separators=(",", ":"))


def _security_opts(items) -> list[str]:
    """seccomp=PATH is read here: the profile travels in the request (a remote
    daemon cannot read the client's files, and the engine reads none a
    client names), as Docker's CLI does."""
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            key, sep, value = item.partition(":")
        if key == "seccomp" and value not in ("unconfined", "builtin") and not value.lstrip().startswith("{"):
            item = "seccomp=" + _seccomp_profile(value)
        out.append(item)
    return out


def config(args) -> pb.ContainerConfig:
    rows, cols = (0, 0)
    if args.tty:
        from gateway.cli import terminal
        rows, cols = terminal.size()
    entrypoint = [] if args.entrypoint is None else ([args.entrypoint] if args.entrypoint else [""])
    return pb.ContainerConfig(
        image=args.image, cmd=args.command, entrypoint=entrypoint, name=args.name,
        env=_env_files(args.env_file) + _env(args.env), auto_remove=args.rm, memory=args.memory, cpus=args.cpus,
        cpu_shares=args.cpu_shares, pids_limit=args.pids_limit, network=args.network,
        volumes=args.volume, workdir=args.workdir, user=args.user, hostname=args.hostname,
        labels=_labels(args.label), restart=args.restart, stop_signal=args.stop_signal,
        stop_timeout=args.stop_timeout, tty=args.tty, interactive=args.interactive,
        console_size=pb.WindowSize(rows=rows, cols=cols), log_opts=_labels(args.log_opt),
        cap_add=args.cap_add, cap_drop=args.cap_drop, privileged=args.privileged,
        security_opt=_security_opts(args.security_opt), ulimits=args.ulimit,
        read_only=args.read_only, tmpfs=args.tmpfs, health_cmd=args.health_cmd,
        health_interval=args.health_interval, health_timeout=args.health_timeout,
        health_start_period=args.health_start_period, health_retries=args.health_retries,
        no_healthcheck=args.no_healthcheck, init=args.init, runtime=args.runtime,
        userns_remap=args.userns_remap, cgroupns=args.cgroupns, publish=args.publish, publish_all=args.publish_all,
        network_aliases=args.network_alias, ip=args.ip, add_hosts=args.add_host, dns=args.dns,
        dns_search=args.dns_search, dns_options=args.dns_option)


def _pull(args) -> None:
    from gateway.cli import registry  # its imports only when a pull happens
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
    sys.stderr.write(f"Unable to find image '{args.image}' locally\n")
    _pull(args)
    return call()


def _started_run(args):
    """The Run stream with its first event read: a missing image fails here."""
    stream = conn.api(args).Run(pb.RunRequest(config=config(args), detach=args.detach))
    first = next(stream, None)
    return stream if first is None else _chain(first, stream)


def _chain(first, rest):
    yield first
    yield from rest


def run(args) -> int:
    if (args.interactive or args.tty) and not args.detach:
        from gateway.cli import terminal
        if terminal.not_a_tty(args):
            return 1
        # Docker's order: create, attach, then start once attached (no output lost).
        cid = with_image(args, lambda: conn.api(args).Create(config(args))).id
        from gateway.cli import attach
        return attach.stream(args, cid, stdin=args.interactive, tty=args.tty, start=True)
    stream = with_image(args, lambda: _started_run(args))
    out, err = sys.stdout.buffer, sys.stderr.buffer
    code = 0
    for event in stream:
        kind = event.WhichOneof("event")
        if kind == "created" and args.detach:
            print(event.created.id)
        elif kind == "output":
            f = err if event.output.stream == pb.LogChunk.STDERR else out
            f.write(event.output.data)
            f.flush()
        elif kind == "exited":
            code = event.exited.exit_code
    return code


def create(args) -> int:
    resp = with_image(args, lambda: conn.api(args).Create(config(args)))
    print(resp.id)
    return 0


def start(args) -> int:
    if args.attach or args.interactive:
        return _start_attached(args)
    stub = conn.api(args)
    for ref in args.containers:
        stub.Start(pb.ContainerRef(id=ref))
        print(ref)
    return 0


def _start_attached(args) -> int:
    """start -a [-i]: attached first, then started (no output lost); the
    container's exit code is ours, as with docker start -a."""
    if len(args.containers) > 1:
        sys.stderr.write("doca: you cannot start and attach multiple containers at once\n")
        return 1
    from doca.v1 import containers_pb2  # the document is a protobuf Struct
    from gateway.cli import attach, output, terminal
    doc = output.struct_to_dict(conn.containers(args).Inspect(containers_pb2.ContainerRef(id=args.containers[0])))
    tty = bool(doc["Config"].get("Tty"))
    stdin = args.interactive and bool(doc["Config"].get("OpenStdin"))
    args.tty = tty
    if terminal.not_a_tty(args):
        return 1
    return attach.stream(args, doc["Id"], stdin=stdin, tty=tty, start=True)
