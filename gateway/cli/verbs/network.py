"""Declarations of the network verbs and `port` (parsers only: no stubs imported)."""
from gateway.cli.verbs import verb


def declare(sub) -> None:
    net = verb(sub, "network", None, "manage networks")
    nsub = net.add_subparsers(dest="network_verb", metavar="COMMAND")
    nsub.required = True
    p = verb(nsub, "create", "network:create", "create a network (its own bridge and subnet)")
    p.add_argument("-d", "--driver", default="bridge")
    p.add_argument("--subnet", action="append", default=[], help="CIDR, e.g. 10.88.0.0/24 (default: a free one)")
    p.add_argument("--gateway", action="append", default=[],
                   help="the bridge's address (default: the subnet's, or the --ip-range's, first)")
    p.add_argument("--ip-range", action="append", default=[], help="CIDR in the subnet: container addresses")
    p.add_argument("--aux-address", action="append", default=[], metavar="NAME=IP",
                   help="an address of the subnet never given to a container")
    p.add_argument("-o", "--opt", action="append", default=[], metavar="KEY=VALUE", help="driver options")
    p.add_argument("--ipam-driver", default="default", help="default (the only one)")
    p.add_argument("--ipam-opt", action="append", default=[], metavar="KEY=VALUE", help="IPAM options (kept)")
    p.add_argument("--attachable", action="store_true", help="containers may be connected by hand (they always may)")
    p.add_argument("--scope", default="", help="local (doca has no swarm)")
    p.add_argument("--internal", action="store_true", help="no route out of the network")
    p.add_argument("-l", "--label", action="append", default=[])
    p.add_argument("name")
    p = verb(nsub, "ls", "network:ls", "list networks", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--no-trunc", action="store_true")
    p.add_argument("--format", default="", help="json, a Go template ('{{.Name}}'), or 'table TEMPLATE'")
    p.add_argument("-f", "--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="driver, id, label, name, scope, type (builtin or custom)")
    p = verb(nsub, "inspect", "network:inspect", "low-level information on networks")
    p.add_argument("-f", "--format", default="", help="a Go template, e.g. '{{.Name}}', or json")
    p.add_argument("networks", nargs="+")
    p = verb(nsub, "rm", "network:rm", "remove networks", aliases=("remove",))
    p.add_argument("networks", nargs="+")
    p = verb(nsub, "connect", "network:connect", "connect a container to a network")
    p.add_argument("--ip", default="")
    p.add_argument("--alias", action="append", default=[])
    p.add_argument("network")
    p.add_argument("container")
    p = verb(nsub, "disconnect", "network:disconnect", "disconnect a container from a network")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("network")
    p.add_argument("container")
    p = verb(nsub, "prune", "network:prune", "remove the networks no container uses")
    p.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE]")
    p = verb(sub, "port", "port:port", "list a container's published ports")
    p.add_argument("container")
    p.add_argument("port", nargs="?", default="", metavar="PRIVATE_PORT[/PROTO]")
