"""Declaration of the `system` verb group (parsers only: no stubs imported)."""
from gateway.cli.verbs import engine, verb


def declare(sub) -> None:
    system = verb(sub, "system", None, "manage doca")
    ssub = system.add_subparsers(dest="system_verb", metavar="COMMAND")
    ssub.required = True
    p = verb(ssub, "df", "system_df:df", "show disk usage")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--format", default="", help="json: the whole report as one JSON object")
    engine.system_prune(ssub)
    engine.events(ssub)
    engine.info(ssub)
