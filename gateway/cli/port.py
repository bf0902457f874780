"""`doca port CONTAINER [PRIVATE_PORT[/PROTO]]`: Docker's lines,
"80/tcp -> 0.0.0.0:8080", from the container's NetworkSettings.Ports."""
import sys

from gateway.cli import output
from gateway.cli.rpc import conn, doca_v1 as pb


def port(args) -> int:
    doc = output.struct_to_dict(conn.containers(args).Inspect(pb.ContainerRef(id=args.container)))
    ports = (doc.get("NetworkSettings") or {}).get("Ports") or {}
    if args.port:
        key = args.port if "/" in args.port else f"{args.port}/tcp"
        held = ports.get(key)
        if not held:
            sys.stderr.write(f"doca: No public port '{key}' published for {args.container}\n")
            return 1
        for h in held:
            print(f"{h['HostIp']}:{h['HostPort']}")
        return 0
    for key, held in sorted(ports.items(), key=lambda kv: (int(kv[0].split("/")[0]), kv[0])):
        for h in held or []:
            print(f"{key} -> {h['HostIp']}:{h['HostPort']}")
    return 0
