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


class Message(dict):
    """Docker's events.Message to a template: a Go struct, its fields by
    their Go names (.Status, .ID, .From, .Type, .Action, .Actor.ID,
    .Actor.Attributes, .Scope, .Time, .TimeNano; a field it lacks fails at
    the start); its JSON by the JSON names, status/id/from left out when
    empty (omitempty)."""
    strict = True
    type_name = "*events.Message"

    def to_json(self) -> str:
        import json
        doc = {"status": self["Status"], "id": self["ID"], "from": self["From"]}
        doc = {k: v for k, v in doc.items() if v}
        doc.update({"Type": self["Type"], "Action": self["Action"], "Actor": self["Actor"], "scope": self["Scope"],
                    "time": self["Time"], "timeNano": self["TimeNano"]})
        return json.dumps(doc, separators=(",", ":"))


def document(ev) -> dict:
    """Docker's events.Message, with its older status/id/from fields for
    container and image events."""
    old = ev.type in ("container", "image")
    return Message({
        "Status": ev.action if old else "", "ID": ev.actor.id if old else "",
        "From": ev.actor.attributes.get("image", "") if ev.type == "container" else "",
        "Type": ev.type, "Action": ev.action, "Actor": {"ID": ev.actor.id, "Attributes": dict(ev.actor.attributes)},
        "Scope": ev.scope or "local", "Time": ev.time_nano // 1_000_000_000, "TimeNano": ev.time_nano})


class FormatError(gotemplate.TemplateError):
    exit_code = 64


def _template(fmt: str):
    """The template, parsed and tried on an empty event before any comes
    (Docker's 'Error parsing format: ...', exit 64)."""
    if fmt == "json":
        return lambda doc: doc.to_json()
    try:
        render = gotemplate.compile_template(fmt)
        render(document(pb.Event()))
    except gotemplate.TemplateError as e:
        raise FormatError("Error parsing format: " + str(e).removeprefix("template parsing error: ")) from None
    return render


def events(args) -> int:
    from gateway.cli import filterflag
    render = _template(args.format) if args.format else None
    req = pb.EventsRequest(since=args.since, until=args.until, filters=filterflag.check(args.filter))
    out = sys.stdout
    for ev in conn.system(args).Events(req):
        out.write((render(document(ev)) if render else text(ev)) + "\n")
        out.flush()
    return 0
