"""docker events --filter, with Docker's rules (daemon/events/filter.go):
one key given twice matches either value, different keys must all match.
container/volume/network match the actor's id (or a prefix of it) or name;
image its id or name, with or without the tag; event the action, and the
part before ": " of "exec_start: sh" or "health_status: healthy" when the
filter names exec_create, exec_start or health_status; label KEY or
KEY=VALUE against the attributes. As Docker's daemon, the keys and values
are not checked: a key it has no rule for filters nothing, a type no event
has matches nothing (`KEY=VALUE` itself is the CLI's usage error)."""
from common.errors import InvalidArgument

KEYS = ("type", "event", "container", "image", "volume", "network", "label", "scope")
# Docker's keys for what doca has no events of: an event passes only if its
# actor's id or name matches (Docker's fuzzyMatchName), so none here does.
OTHER_ACTORS = ("daemon", "plugin", "node", "service", "secret", "config")
TYPES = ("container", "image", "volume", "network", "daemon", "plugin", "service", "node", "secret", "config",
         "builder")
_PREFIXED = ("exec_create", "exec_start", "health_status")


def parse(items) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise InvalidArgument(f"bad format of filter {item!r} (expected name=value)")
        if key in KEYS or key in OTHER_ACTORS:
            out.setdefault(key, set()).add(value)
    return out


def _strip_tag(name: str) -> str:
    if "@" in name:
        return name.split("@", 1)[0]
    repo, sep, tag = name.rpartition(":")
    return repo if sep and "/" not in tag else name


def _fuzzy(values: set[str] | None, *sources: str) -> bool:
    if not values:
        return True
    return any(s and (s == v or s.startswith(v)) for v in values for s in sources)


def _exact(values: set[str] | None, *sources: str) -> bool:
    return not values or any(s in values for s in sources)


def _of_type(f: dict, key: str, event: dict) -> bool:
    """container=, volume=, network=: only events of that type match."""
    if key not in f:
        return True
    return event["type"] == key and _fuzzy(f[key], event["actor_id"], event["attributes"].get("name", ""))


def _labels(values: set[str] | None, attrs: dict) -> bool:
    for want in values or ():
        key, sep, value = want.partition("=")
        if key not in attrs or (sep and attrs[key] != value):
            return False
    return True


def matches(f: dict[str, set[str]], event: dict) -> bool:
    attrs = event["attributes"]
    action = event["action"]
    wanted = f.get("event")
    if wanted and any(w in _PREFIXED for w in wanted):
        ok = _fuzzy(wanted, action)
    else:
        ok = _exact(wanted, action)
    if not ok or not _exact(f.get("type"), event["type"]) or not _exact(f.get("scope"), "local"):
        return False
    if not all(_of_type(f, k, event) for k in ("container", "volume", "network")):
        return False
    if any(k in f and not _fuzzy(f[k], event["actor_id"], attrs.get("name", "")) for k in OTHER_ACTORS):
        return False
    if "image" in f:
        name = attrs.get("name" if event["type"] == "image" else "image", "")
        ident = event["actor_id"]
        if not _exact(f["image"], ident, name, _strip_tag(ident), _strip_tag(name)):
            return False
    return _labels(f.get("label"), attrs)
