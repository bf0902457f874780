"""Declarations of the version and daemon verbs (parsers only: no stubs imported)."""
from common import flags
from gateway.cli.verbs import verb


def declare(sub) -> None:
    verb(sub, "version", "system:version", "show the client and engine versions")
    p = verb(sub, "daemon", "daemon:daemon", "run the whole doca stack in the foreground")
    flags.add_arguments(p)
