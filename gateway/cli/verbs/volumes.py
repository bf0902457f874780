"""Declarations of the volume verbs (parsers only: no stubs imported)."""
from gateway.cli.verbs import verb


def declare(sub) -> None:
    vol = verb(sub, "volume", None, "manage volumes")
    vsub = vol.add_subparsers(dest="volume_verb", metavar="COMMAND")
    vsub.required = True
    p = verb(vsub, "create", "volumes:create", "create a volume")
    p.add_argument("-d", "--driver", default="local", help="local, the only one")
    p.add_argument("-o", "--opt", action="append", default=[], metavar="KEY=VALUE",
                   help="the local driver's: type, device, o (mounted at first use)")
    p.add_argument("-l", "--label", action="append", default=[])
    p.add_argument("name", nargs="?", default="")
    p = verb(vsub, "ls", "volumes:ls", "list volumes", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="", help="json, a Go template ('{{.Name}}'), or 'table TEMPLATE'")
    p.add_argument("-f", "--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="name, driver, label, dangling")
    p = verb(vsub, "rm", "volumes:rm", "remove volumes", aliases=("remove",))
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("names", nargs="+")
    p = verb(vsub, "inspect", "volumes:inspect", "low-level information on volumes")
    p.add_argument("-f", "--format", default="", help="a Go template, e.g. '{{.Name}}', or json")
    p.add_argument("names", nargs="+")
    p = verb(vsub, "prune", "prune:volume_prune", "remove all unused local volumes")
    p.add_argument("-a", "--all", action="store_true", help="every unused volume, not only anonymous ones")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE", help="label=..., label!=...")
    p.add_argument("-f", "--force", action="store_true", help="do not prompt for confirmation")
