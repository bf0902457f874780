"""`doca network create|ls|inspect|rm|connect|disconnect|prune`."""
import sys

from gateway.cli import each, output
from gateway.cli.rpc import conn, doca_v1 as pb


def _labels(items) -> dict:
    return dict(i.split("=", 1) if "=" in i else (i, "") for i in items)


def create(args) -> int:
    from gateway.cli import network_ipam as ipam
    conf = ipam.consolidate(ipam.strings(args.subnet), ipam.strings(args.ip_range), ipam.strings(args.gateway),
                            ipam.mapping(args.aux_address))
    ipam.check_unsupported(args)
    net = conn.networks(args).Create(pb.CreateNetworkRequest(
        name=args.name, driver=args.driver, subnet=conf["subnet"], gateway=conf["gateway"],
        internal=args.internal, labels=_labels(args.label), ip_range=conf["ip_range"],
        aux_addresses=conf["aux_addresses"], options=ipam.mapping(args.opt), attachable=args.attachable,
        scope=args.scope, ipam_driver=args.ipam_driver, ipam_options=ipam.mapping(args.ipam_opt)))
    print(net.id)
    return 0


def ls(args) -> int:
    from gateway.cli import filterflag
    nets = conn.networks(args).List(pb.ListNetworksRequest(filters=filterflag.check(args.filter))).networks
    if args.quiet:
        for n in nets:
            print(n.id if args.no_trunc else n.id[:12])
        return 0
    if args.format not in ("", "table"):
        from gateway.cli import tableformat
        docs = [{"ID": n.id if args.no_trunc else n.id[:12], "Name": n.name, "Driver": n.driver, "Scope": "local",
                 "Internal": str(n.internal).lower(), "IPv6": "false", "Subnet": n.subnet, "Gateway": n.gateway, "Bridge": n.bridge,
                 "Labels": ",".join(f"{k}={v}" for k, v in sorted(n.labels.items())),
                 "Label": (lambda labels: lambda key: labels.get(key, ""))(dict(n.labels)),
                 "CreatedAt": _created_at(n.created)}
                for n in nets]
        sys.stdout.write(tableformat.render(args.format, docs, {"ID": "NETWORK ID"}))
        return 0
    # Docker's four columns; doca's .Subnet, .Gateway and .Bridge through --format (and inspect).
    output.table(["NETWORK ID", "NAME", "DRIVER", "SCOPE"],
                 [[n.id if args.no_trunc else n.id[:12], n.name, n.driver, "local"] for n in nets])
    return 0


def _created_at(created: float) -> str:
    """Go's time.Time String() of the network's creation, as Docker's .CreatedAt."""
    if not created:
        return ""
    import time
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created)) + f".{int(created % 1 * 1e9):09d} " \
        + time.strftime("%z %Z", time.localtime(created))


def inspect(args) -> int:
    stub = conn.networks(args)
    return each.inspect(args.networks, [lambda n: stub.Inspect(pb.NetworkRef(id=n))], "No such network: {}",
                        template=args.format)


def rm(args) -> int:
    stub = conn.networks(args)
    return each.each(args.networks, lambda n: stub.Remove(pb.NetworkRef(id=n)), missing="No such network: {}")


def connect(args) -> int:
    conn.networks(args).Connect(pb.ConnectRequest(network=args.network, container=args.container,
                                                  ip_address=args.ip, aliases=args.alias))
    return 0


def disconnect(args) -> int:
    conn.networks(args).Disconnect(pb.DisconnectRequest(network=args.network, container=args.container,
                                                        force=args.force))
    return 0


def prune(args) -> int:
    if not args.force:
        sys.stdout.write("WARNING! This will remove all custom networks not used by at least one container.\n"
                         "Are you sure you want to continue? [y/N] ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    from gateway.cli import filterflag
    removed = conn.networks(args).Prune(pb.PruneNetworksRequest(filters=filterflag.check(args.filter))).removed
    if removed:  # a blank line after the list, as Docker's
        print("Deleted Networks:\n" + "".join(f"{name}\n" for name in removed))
    return 0
