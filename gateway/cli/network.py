"""`doca network ls`."""
from doca.v1 import system_pb2 as pb
from gateway.cli import conn, output


def ls(args) -> int:
    nets = conn.networks(args).List(pb.ListNetworksRequest()).networks
    if args.quiet:
        for n in nets:
            print(n.id[:12])
        return 0
    output.table(["NETWORK ID", "NAME", "DRIVER", "SUBNET", "GATEWAY", "BRIDGE"],
                 [[n.id[:12], n.name, n.driver, n.subnet, n.gateway, n.bridge] for n in nets])
    return 0
