"""`doca ps`, `logs`, `stop`, `kill`, `rm`, `wait`, `inspect` (messages
from the CLI codec: no protobuf import)."""
import sys

from common import humanize
from gateway.cli import each, output, request
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.tojson import seconds as _seconds


def ps(args) -> int:
    from gateway.cli import filterflag
    req = request.fields("ps", args)
    req["filters"] = filterflag.check(args.filter)
    req["limit"] = 1 if args.latest else max(args.last, 0)
    fmt = args.format
    if fmt and ".Size" in fmt and not args.quiet:
        req["size"] = True  # as Docker's CLI: the template asks for it
    if fmt and fmt != "table" and fmt != "json" and not args.quiet:
        from gateway.cli import tableformat  # a bad template fails before the call, as Docker's
        tableformat.compile_row(fmt.replace("\\t", "\t")[len("table"):] if fmt.startswith("table") else fmt,
                                "failed to parse template", PS_FIELDS)
    resp = conn.containers(args).List(pb.ListRequest(**req))
    if args.quiet:
        for c in resp.containers:
            print(c.id if args.no_trunc else c.id[:12])
        return 0
    trunc = not args.no_trunc
    if fmt and fmt != "table":
        from gateway.cli import tableformat
        docs = [_doc(c, trunc) for c in resp.containers]
        sys.stdout.write(tableformat.render(fmt, docs, PS_HEADERS, "failed to parse template"))
        return 0
    rows = []
    for c in resp.containers:
        rows.append([c.id[:12] if trunc else c.id, c.image, quote_command(c.command, trunc),
                     humanize.ago(_seconds(c.created_at)), c.status, _ports(c), c.name]
                    + ([_size(c)] if args.size else []))
    output.table(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
                 + (["SIZE"] if args.size else []), rows)
    return 0


PS_FIELDS = ("ID", "Names", "Image", "Command", "CreatedAt", "RunningFor", "Ports", "State", "Status", "Size",
             "Labels", "Label", "Mounts", "LocalVolumes", "Networks")
PS_HEADERS = {"ID": "CONTAINER ID", "RunningFor": "CREATED", "CreatedAt": "CREATED AT",
              "LocalVolumes": "LOCAL VOLUMES"}


def _ellipsis(text: str, width: int) -> str:
    """Docker's stringutils.Ellipsis: cut to `width` characters, the last one '…'."""
    return text if len(text) <= width else text[:width - 1] + "…"


def quote_command(command: str, trunc: bool) -> str:
    """Docker's ps COMMAND: cut at 20 characters, then quoted as Go's strconv.Quote."""
    return output.go_quote(_ellipsis(command, 20) if trunc else command)


def _size(c) -> str:
    """Docker's SIZE: "2B (virtual 1.24MB)"."""
    from common import units
    rw = units.human_size(c.size_rw)
    return f"{rw} (virtual {units.human_size(c.size_root_fs)})" if c.size_root_fs > 0 else rw


def _doc(c, trunc: bool) -> dict:
    """A row of ps --format: the fields of Docker's ContainerContext."""
    import time
    labels = dict(c.labels)
    return {
        "ID": c.id[:12] if trunc else c.id, "Names": c.name, "Image": c.image,
        "Command": quote_command(c.command, trunc),
        "CreatedAt": time.strftime("%Y-%m-%d %H:%M:%S %z %Z", time.localtime(_seconds(c.created_at))),
        "RunningFor": humanize.ago(_seconds(c.created_at)), "Ports": _ports(c),
        "State": c.state, "Status": c.status, "Size": _size(c),
        "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
        "Label": lambda key: labels.get(key, ""),
        "Mounts": ",".join(_ellipsis(m.name or m.source, 15) if trunc else (m.name or m.source) for m in c.mounts),
        "LocalVolumes": str(sum(1 for m in c.mounts if m.driver == "local")),
        "Networks": ",".join(c.networks),
    }


def _ports(c) -> str:
    """Docker's PORTS: "0.0.0.0:8080->80/tcp, 8000/tcp"."""
    return ", ".join(f"{p.ip}:{p.public_port}->{p.private_port}/{p.type}" if p.public_port
                     else f"{p.private_port}/{p.type}" for p in c.ports)


def logs(args) -> int:
    from gateway.cli.rpc.tojson import timestamp_text
    out, err = sys.stdout.buffer, sys.stderr.buffer
    req = pb.LogsRequest(id=args.container, follow=args.follow, since=args.since, until=args.until,
                         timestamps=args.timestamps)
    if args.tail != "all":
        number = args.tail.lstrip("-")
        # 0-9 only ('²' passes isdigit, not int); an int32 field (the codec would refuse more)
        if not (number.isascii() and number.isdigit()) or abs(int(number)) > 2**31 - 1:
            sys.stderr.write(f"doca: invalid --tail {args.tail[:40]!r}: a number or all\n")
            return 125
        req.tail = int(args.tail)
    details = _details(args) if getattr(args, "details", False) else b""
    for chunk in conn.containers(args).Logs(req):
        f = err if chunk.stream == pb.LogChunk.STDERR else out
        if args.timestamps:
            f.write(timestamp_text(chunk.time).encode() + b" ")
        f.write(details + chunk.data)
        f.flush()
    return 0


def _details(args) -> bytes:
    """logs --details: the attributes the log options name (labels=, env=,
    env-regex=: Docker's json-file's extra attributes), sorted, values
    URL-escaped, then a blank (alone when there are none)."""
    import re
    from urllib.parse import quote_plus
    from gateway.cli import output
    doc = output.struct_to_dict(conn.containers(args).Inspect(pb.ContainerRef(id=args.container)))
    opts = (doc.get("HostConfig", {}).get("LogConfig") or {}).get("Config") or {}
    config = doc.get("Config") or {}
    labels, env = config.get("Labels") or {}, dict(e.split("=", 1) for e in config.get("Env") or [] if "=" in e)
    attrs = {k: labels[k] for k in opts.get("labels", "").split(",") if k in labels}
    attrs.update({k: env[k] for k in opts.get("env", "").split(",") if k in env})
    if opts.get("env-regex"):
        attrs.update({k: v for k, v in env.items() if re.search(opts["env-regex"], k)})
    return ",".join(f"{k}={quote_plus(v)}" for k, v in sorted(attrs.items())).encode() + b" "


def stop(args) -> int:
    stub, req = conn.containers(args), request.fields("stop", args)
    return each.each(args.containers, lambda r: stub.Stop(pb.StopRequest(id=r, **req)))


def restart(args) -> int:
    stub, req = conn.containers(args), request.fields("restart", args)
    return each.each(args.containers, lambda r: stub.Restart(pb.StopRequest(id=r, **req)))


def kill(args) -> int:
    stub, req = conn.containers(args), request.fields("kill", args)
    return each.each(args.containers, lambda r: stub.Kill(pb.KillRequest(id=r, **req)))


def rm(args) -> int:
    if getattr(args, "link", False):
        return _rm_links(args)
    stub, req = conn.containers(args), request.fields("rm", args)
    return each.each(args.containers, lambda r: stub.Remove(pb.RemoveRequest(id=r, **req)),
                     missing_ok=each.say_missing if args.force else None)


def _rm_links(args) -> int:
    """rm --link PARENT/ALIAS removes a legacy link: doca makes none, so a
    link name finds nothing and a container's own name is its default
    link, which Docker refuses to remove (exit 1 either way)."""
    from gateway.cli import errors
    from gateway.cli.rpc.client import RpcError
    stub = conn.containers(args)
    for ref in args.containers:
        if "/" in ref.strip("/"):
            sys.stderr.write(f"doca: No such container: {ref}\n")
            continue
        try:
            stub.Inspect(pb.ContainerRef(id=ref.lstrip("/")))
        except RpcError as e:
            sys.stderr.write(f"doca: {errors.message(e, errors.host)}\n")
            continue
        sys.stderr.write("doca: Conflict, cannot remove the default link name of the container\n")
    return 1


def pause(args) -> int:
    stub = conn.containers(args)
    return each.each(args.containers, lambda r: stub.Pause(pb.ContainerRef(id=r)))


def unpause(args) -> int:
    stub = conn.containers(args)
    return each.each(args.containers, lambda r: stub.Unpause(pb.ContainerRef(id=r)))


def wait(args) -> int:
    stub = conn.containers(args)
    return each.each(args.containers, lambda r: _wait_not_running(stub, r),
                     show=lambda ref, result: print(result.exit_code))


def _wait_not_running(stub, ref: str):
    """Docker's CLI waits with the condition "not-running": a created
    container (never started, or whose start failed) answers at once with
    its exit code. doca.v1 Wait blocks on a created one until its exit (the
    Docker API's next-exit, run's own wait, need that)."""
    state = output.struct_to_dict(stub.Inspect(pb.ContainerRef(id=ref))).get("State") or {}
    if state.get("Status") == "created":
        return pb.WaitResponse(exit_code=int(state.get("ExitCode") or 0))
    return stub.Wait(pb.ContainerRef(id=ref))


def inspect(args) -> int:
    """Containers first, then images, then volumes, then networks, as `docker inspect` does."""
    lookups = {
        "container": lambda r: conn.containers(args).Inspect(pb.ContainerRef(id=r, size=getattr(args, "size", False))),
        "image": lambda r: conn.images(args).Inspect(pb.ImageRef(reference=r)),
        "volume": lambda r: conn.volumes(args).Inspect(pb.VolumeRef(name=r)),
        "network": lambda r: conn.networks(args).Inspect(pb.NetworkRef(id=r)),
    }
    if args.type is not None and args.type not in lookups:
        sys.stderr.write(f'doca: "{args.type}" is not a valid value for --type\n')
        return 1
    kinds = [args.type] if args.type else list(lookups)
    missing = f"No such {args.type}: {{}}" if args.type else "No such object: {}"  # as Docker's per --type
    return each.inspect(args.objects, [lookups[k] for k in kinds], missing, template=args.format)
