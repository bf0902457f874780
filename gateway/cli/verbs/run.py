"""Declarations of the run/create/start verbs (parsers only: no stubs
imported), from flags.VERBS."""
from gateway.cli.verbs import table_verb


def declare(sub) -> None:
    for name in ("run", "create", "start"):
        table_verb(sub, name)
