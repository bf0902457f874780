"""`doca volume create|ls|rm|inspect`."""
import sys


from doca.v1 import volumes_pb2 as pb
from gateway.cli import conn, output
from gateway.cli.transport import RpcError, StatusCode


def create(args) -> int:
    labels = dict(i.split("=", 1) if "=" in i else (i, "") for i in args.label)
    doc = output.struct_to_dict(conn.volumes(args).Create(pb.CreateVolumeRequest(name=args.name, labels=labels)))
    print(doc["Name"])
    return 0


def ls(args) -> int:
    vols = conn.volumes(args).List(pb.ListVolumesRequest()).volumes
    if args.quiet:
        for v in vols:
            print(v.name)
        return 0
    output.table(["DRIVER", "VOLUME NAME"], [[v.driver, v.name] for v in vols])
    return 0


def rm(args) -> int:
    stub = conn.volumes(args)
    code = 0
    for name in args.names:
        try:
            stub.Remove(pb.RemoveVolumeRequest(name=name, force=args.force))
            print(name)
        except RpcError as e:
            sys.stderr.write(f"doca: {e.details()}\n")
            code = 1
    return code


def inspect(args) -> int:
    docs, code = [], 0
    for name in args.names:
        try:
            docs.append(output.struct_to_dict(conn.volumes(args).Inspect(pb.VolumeRef(name=name))))
        except RpcError as e:
            if e.code() != StatusCode.NOT_FOUND:
                raise
            sys.stderr.write(f"doca: {e.details()}\n")
            code = 1
    output.print_json(docs)
    return code
