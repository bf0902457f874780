"""Declarations of the network, version and daemon verbs (parsers only: no stubs imported)."""
from common import flags
from gateway.cli.verbs import verb


def declare(sub) -> None:
    net = verb(sub, "network", None, "manage networks")
    nsub = net.add_subparsers(dest="network_verb", metavar="COMMAND")
    nsub.required = True
    p = verb(nsub, "ls", "network:ls", "list networks", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    verb(sub, "version", "system:version", "show the client and engine versions")
    p = verb(sub, "daemon", "daemon:daemon", "run the whole doca stack in the foreground")
    flags.add_arguments(p)
