"""`doca volume create|ls|rm|inspect`."""

from gateway.cli import each, output
from gateway.cli.rpc import conn, doca_v1 as pb


def create(args) -> int:
    labels = dict(i.split("=", 1) if "=" in i else (i, "") for i in args.label)
    opts = dict(i.split("=", 1) if "=" in i else (i, "") for i in args.opt)
    doc = output.struct_to_dict(conn.volumes(args).Create(pb.CreateVolumeRequest(
        name=args.name, labels=labels, driver=args.driver, driver_opts=opts)))
    print(doc["Name"])
    return 0


def ls(args) -> int:
    from gateway.cli import filterflag
    vols = conn.volumes(args).List(pb.ListVolumesRequest(filters=filterflag.check(args.filter))).volumes
    if args.quiet:
        for v in vols:
            print(v.name)
        return 0
    if args.format not in ("", "table"):
        import sys
        from gateway.cli import tableformat
        docs = [_doc(v) for v in vols]
        sys.stdout.write(tableformat.render(args.format, docs, {"Name": "VOLUME NAME"}))
        return 0
    output.table(["DRIVER", "VOLUME NAME"], [[v.driver, v.name] for v in vols])
    return 0


def _doc(v) -> dict:
    """A row of volume ls --format: Docker's volumeContext."""
    labels = dict(v.labels)
    return {"Name": v.name, "Driver": v.driver, "Mountpoint": v.mountpoint, "Scope": "local",
            "Labels": ",".join(f"{k}={val}" for k, val in sorted(labels.items())),
            "Label": lambda key: labels.get(key, ""), "Links": "N/A", "Size": "N/A"}


def rm(args) -> int:
    stub = conn.volumes(args)
    # -f: a volume that is not there counts as removed (Docker's daemon), its name printed
    return each.each(args.names, lambda n: stub.Remove(pb.RemoveVolumeRequest(name=n, force=args.force)),
                     missing_ok=(lambda ref, err: print(ref)) if args.force else None)


def inspect(args) -> int:
    stub = conn.volumes(args)
    # Docker's volume inspect templates its typed value alone (no raw JSON to fall back on)
    return each.inspect(args.names, [lambda n: stub.Inspect(pb.VolumeRef(name=n))], "No such volume: {}",
                        template=args.format, raw_fallback=False)
