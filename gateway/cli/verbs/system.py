"""Declarations of the version and daemon verbs (parsers only: no stubs imported)."""
from common import flags
from gateway.cli.verbs import verb


def declare(sub) -> None:
    p = verb(sub, "version", "system:version", "show the client and engine versions")
    p.add_argument("-f", "--format", default="", help="a Go template ('{{.Server.Version}}') or json")
    p = verb(sub, "daemon", "daemon:daemon", "run the whole doca stack in the foreground")
    flags.add_arguments(p)
