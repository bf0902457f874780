"""Declarations of the events and info verbs (parsers only: no stubs
imported); `system events`, `system info` and `system prune` reuse them."""
from gateway.cli.verbs import verb


def events(sub, name="events") -> None:
    p = verb(sub, name, "events:events", "a live stream of the engine's events")
    p.add_argument("--since", default="", help="RFC 3339 time, Unix time or a duration before now (10m)")
    p.add_argument("--until", default="", help="as --since: stop there")
    p.add_argument("-f", "--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="type, event, container, image, volume, network, label")
    p.add_argument("--format", default="", help="json, or a template such as '{{.Action}} {{.Actor.ID}}'")


def info(sub, name="info") -> None:
    p = verb(sub, name, "info:info", "system-wide information")
    p.add_argument("-f", "--format", default="", help="json, or a template such as '{{.ServerVersion}}'")


def system_prune(sub) -> None:
    p = verb(sub, "prune", "prune:system_prune", "remove unused data")
    p.add_argument("-a", "--all", action="store_true", help="every unused image, not only dangling ones")
    p.add_argument("--volumes", action="store_true", help="unused anonymous volumes too")
    p.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE", help="until=..., label=...")


def declare(sub) -> None:
    events(sub)
    info(sub)
