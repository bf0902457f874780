"""`doca events`: Docker's line per event (local time with nanoseconds,
type, action, actor, its attributes sorted), or `--format json` /
a template per event, as they come."""
import datetime
import sys

from gateway.cli import gotemplate
from gateway.cli.rpc import conn, doca_v1 as pb


def _time(ns: int) -> str:
    """Go's RFC3339NanoFixed in local time: 2026-11-28T10:00:00.123456789+01:00."""
    dt = datetime.datetime.fromtimestamp(ns // 1_000_000_000).astimezone()
    offset = dt.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{ns % 1_000_000_000:09d}{zone}"


def text(ev) -> str:
    line = f"{_time(ev.time_nano)} {ev.type} {ev.action} {ev.actor.id}"
    attrs = dict(ev.actor.attributes)
    if attrs:
        line += " (" + ", ".join(f"{k}={attrs[k]}" for k in sorted(attrs)) + ")"
    return line


def document(ev) -> dict:
    """Docker's events.Message, with its older status/id/from fields for
    container and image events."""
    doc = {}
    if ev.type in ("container", "image"):
        doc = {"status": ev.action, "id": ev.actor.id}
        if ev.type == "container" and "image" in ev.actor.attributes:
            doc["from"] = ev.actor.attributes["image"]
    doc.update({"Type": ev.type, "Action": ev.action,
                "Actor": {"ID": ev.actor.id, "Attributes": dict(ev.actor.attributes)},
                "scope": ev.scope or "local", "time": ev.time_nano // 1_000_000_000, "timeNano": ev.time_nano})
    return doc


def events(args) -> int:
    req = pb.EventsRequest(since=args.since, until=args.until, filters=args.filter)
    out = sys.stdout
    for ev in conn.system(args).Events(req):
        out.write((gotemplate.render(args.format, document(ev)) if args.format else text(ev)) + "\n")
        out.flush()
    return 0
