"""`doca ps`, `logs`, `stop`, `kill`, `rm`, `wait`, `inspect` (messages
from the CLI codec: no protobuf import)."""
import sys

from common import humanize
from gateway.cli import each, output, request
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.tojson import seconds as _seconds


def ps(args) -> int:
    resp = conn.containers(args).List(pb.ListRequest(**request.fields("ps", args)))
    if args.quiet:
        for c in resp.containers:
            print(c.id if args.no_trunc else c.id[:12])
        return 0
    if args.format and args.format != "table":
        import time
        from gateway.cli import tableformat
        docs = [{"ID": c.id if args.no_trunc else c.id[:12], "Names": c.name, "Image": c.image,
                 "Command": f'"{c.command}"' if args.format != "json" else c.command,
                 "CreatedAt": time.strftime("%Y-%m-%d %H:%M:%S %z %Z", time.localtime(_seconds(c.created_at))),
                 "RunningFor": humanize.ago(_seconds(c.created_at)), "Ports": _ports(c),
                 "State": c.state, "Status": c.status} for c in resp.containers]
        sys.stdout.write(tableformat.render(args.format, docs, PS_HEADERS))
        return 0
    rows = []
    for c in resp.containers:
        cmd = c.command if args.no_trunc or len(c.command) <= 20 else c.command[:19] + "…"
        rows.append([c.id if args.no_trunc else c.id[:12], c.image, f'"{cmd}"',
                     humanize.ago(_seconds(c.created_at)), c.status, _ports(c), c.name])
    output.table(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"], rows)
    return 0


PS_HEADERS = {"ID": "CONTAINER ID", "RunningFor": "CREATED", "CreatedAt": "CREATED AT"}


def _ports(c) -> str:
    """Docker's PORTS: "0.0.0.0:8080->80/tcp, 8000/tcp"."""
    return ", ".join(f"{p.ip}:{p.public_port}->{p.private_port}/{p.type}" if p.public_port
                     else f"{p.private_port}/{p.type}" for p in c.ports)


def logs(args) -> int:
    from gateway.cli.rpc.tojson import timestamp_text
    out, err = sys.stdout.buffer, sys.stderr.buffer
    req = pb.LogsRequest(id=args.container, follow=args.follow, since=args.since, timestamps=args.timestamps)
    if args.tail != "all":
        number = args.tail.lstrip("-")
        # 0-9 only ('²' passes isdigit, not int); an int32 field (the codec would refuse more)
        if not (number.isascii() and number.isdigit()) or abs(int(number)) > 2**31 - 1:
            sys.stderr.write(f"doca: invalid --tail {args.tail[:40]!r}: a number or all\n")
            return 125
        req.tail = int(args.tail)
    for chunk in conn.containers(args).Logs(req):
        f = err if chunk.stream == pb.LogChunk.STDERR else out
        if args.timestamps:
            f.write(timestamp_text(chunk.time).encode() + b" ")
        f.write(chunk.data)
        f.flush()
    return 0


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
    stub, req = conn.containers(args), request.fields("rm", args)
    return each.each(args.containers, lambda r: stub.Remove(pb.RemoveRequest(id=r, **req)))


def pause(args) -> int:
    stub = conn.containers(args)
    return each.each(args.containers, lambda r: stub.Pause(pb.ContainerRef(id=r)))


def unpause(args) -> int:
    stub = conn.containers(args)
    return each.each(args.containers, lambda r: stub.Unpause(pb.ContainerRef(id=r)))


def wait(args) -> int:
    stub = conn.containers(args)
    return each.each(args.containers, lambda r: stub.Wait(pb.ContainerRef(id=r)),
                     show=lambda ref, result: print(result.exit_code))


def inspect(args) -> int:
    """Containers first, then images, then volumes, then networks, as `docker inspect` does."""
    lookups = {
        "container": lambda r: conn.containers(args).Inspect(pb.ContainerRef(id=r)),
        "image": lambda r: conn.images(args).Inspect(pb.ImageRef(reference=r)),
        "volume": lambda r: conn.volumes(args).Inspect(pb.VolumeRef(name=r)),
        "network": lambda r: conn.networks(args).Inspect(pb.NetworkRef(id=r)),
    }
    kinds = [args.type] if args.type else list(lookups)
    return each.inspect(args.objects, [lookups[k] for k in kinds], template=args.format)
