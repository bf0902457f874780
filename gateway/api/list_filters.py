"""Docker's list filters (ps, images, volume ls, network ls) with Docker's
rules (api/types/filters): the request's KEY=VALUE items as key -> values,
the form of the Engine API's `filters` JSON. One key given twice matches
either value; different keys must all match; `label` is the exception:
every label given must be there (KEY, or KEY=VALUE with that value).
`name` and `id` are regular expressions searched in the name (with its
leading "/" for containers) or the id, as Docker's Args.Match.

Parsing checks the keys and the values a key must take from a fixed set
(status, health, dangling, type...); matching is a pure function of the
values and the object's fields, so the Engine API can reuse both."""
import re

from common.errors import InvalidArgument

CONTAINER_KEYS = ("id", "name", "label", "exited", "status", "ancestor", "before", "since", "volume", "network",
                  "health", "publish", "expose", "is-task", "isolation")
IMAGE_KEYS = ("dangling", "label", "before", "since", "reference")
VOLUME_KEYS = ("name", "driver", "label", "dangling")
NETWORK_KEYS = ("dangling", "driver", "id", "label", "name", "scope", "type")

STATES = ("created", "running", "paused", "restarting", "removing", "exited", "dead")
HEALTH = ("starting", "healthy", "unhealthy", "none")
BOOLS = {"true": True, "1": True, "false": False, "0": False}


class Filters(dict):
    """key -> list of values, in the order given (duplicates dropped)."""

    def values(self, key: str) -> list[str]:  # type: ignore[override]
        return self.get(key, [])


def parse(items, accepted: tuple) -> Filters:
    out = Filters()
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidArgument(f"bad format of filter '{item}' (expected name=value)")
        if key not in accepted:
            raise InvalidArgument(f"invalid filter '{key}'")
        values = out.setdefault(key, [])
        if value not in values:
            values.append(value)
    return out


def invalid_value(key: str, values: list[str]) -> InvalidArgument:
    """Docker's message for a value a key does not take: 'dangling=[foo]'."""
    return InvalidArgument(f"invalid filter '{key}=[{' '.join(values)}]'")


def boolean(f: Filters, key: str, yes=("true", "1"), no=("false", "0")) -> bool | None:
    """dangling=true|1|false|0 (None: not given); another value is refused.
    (images take true and false only, as Docker's.)"""
    values = f.values(key)
    if not values:
        return None
    if any(v in yes for v in values):
        return True
    if any(v in no for v in values):
        return False
    raise invalid_value(key, values)


def search(f: Filters, key: str, source: str) -> bool:
    """Docker's Args.Match: an exact value, or a regular expression found in
    `source` (a value that does not compile matches nothing)."""
    values = f.values(key)
    if not values or source in values:
        return True
    for value in values:
        try:
            if re.search(value, source):
                return True
        except re.error:
            continue
    return False


def exact(f: Filters, key: str, *sources: str) -> bool:
    values = f.values(key)
    return not values or any(s in values for s in sources)


def labels(f: Filters, have: dict, key: str = "label") -> bool:
    """Docker's MatchKVList: every KEY or KEY=VALUE given is there."""
    wanted = f.values(key)
    if not wanted:
        return True
    for want in wanted:
        name, sep, value = want.partition("=")
        if name not in have or (sep and have[name] != value):
            return False
    return True


def glob(pattern: str, text: str) -> bool:
    """Go's path.Match: `*` and `?` do not cross a "/"; [...] classes."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                return False  # Go: ErrBadPattern, which matches nothing
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("^") else body).replace("\\", "\\\\") + "]")
            i = end
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return re.fullmatch("".join(out), text) is not None
    except re.error:
        return False


# -- containers -----------------------------------------------------------------

def check_container_values(f: Filters) -> None:
    """The values Docker refuses before listing, with its messages."""
    for value in f.values("exited"):
        if not re.fullmatch(r"-?\d+", value):
            raise InvalidArgument(f'strconv.Atoi: parsing "{value}": invalid syntax')
    for value in f.values("status"):
        if value not in STATES:
            raise InvalidArgument(f"invalid filter 'status={value}'")
    for value in f.values("health"):
        if value not in HEALTH:
            raise InvalidArgument(f"Unrecognised filter value for health: {value}")
    for value in f.values("is-task"):
        if value not in BOOLS:
            raise InvalidArgument(f"invalid filter 'is-task=[{value}]'")
    for key in ("publish", "expose"):
        for value in f.values(key):
            port_range(value, key)


def port_range(value: str, key: str) -> tuple[int, int, str]:
    """80, 80/udp, 8000-8080/tcp -> (first, last, proto)."""
    ports, _, proto = value.partition("/")
    first, _, last = ports.partition("-")
    for part in (first, last or first):
        if not part.isdigit() or int(part) > 65535:
            raise InvalidArgument(f'error while looking up for {key} {value}: strconv.ParseUint: parsing '
                                  f'"{part}": invalid syntax')
    return int(first), int(last or first), proto or "tcp"


def _ports_match(f: Filters, key: str, ports: list[tuple[int, str]]) -> bool:
    values = f.values(key)
    if not values:
        return True
    for value in values:
        first, last, proto = port_range(value, key)
        if any(first <= port <= last and p == proto for port, p in ports):
            return True
    return False


def container_matches(f: Filters, c: dict) -> bool:
    """`c`: id, name, labels, state, exit_code, health ("" when it has no
    check), image_id, mounts [(name or source, destination)], networks
    [(name, id)], published [(port, proto)], exposed [(port, proto)]. The
    state-independent keys; before, since, ancestor and limit are the
    caller's (they need other containers or images)."""
    if not search(f, "name", "/" + c["name"]) or not search(f, "id", c["id"]):
        return False
    if not labels(f, c["labels"]):
        return False
    exited = f.values("exited")
    # a container never started has no exit code to match (Docker: StartedAt is zero)
    if exited and (c["state"] in ("running", "paused", "restarting", "created")
                   or str(c["exit_code"]) not in {str(int(v)) for v in exited}):
        return False
    if not search(f, "status", c["state"]):
        return False
    if not exact(f, "health", c["health"] or "none"):
        return False
    if any(BOOLS[v] for v in f.values("is-task")):
        return False  # doca runs no swarm tasks
    if not exact(f, "isolation", "default", ""):
        return False
    volumes = f.values("volume")
    if volumes and not any(v in (name, dest) for v in volumes for name, dest in c["mounts"]):
        return False
    networks = f.values("network")
    if networks and not any(v == name or (nid and nid.startswith(v)) for v in networks for name, nid in c["networks"]):
        return False
    return _ports_match(f, "publish", c["published"]) and _ports_match(f, "expose", c["exposed"])


# -- images ---------------------------------------------------------------------

def familiar(ref: str) -> str:
    """docker.io/library/busybox:latest -> busybox:latest (Docker's
    FamiliarString)."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    return ref


def reference_matches(patterns: list[str], tag: str) -> bool:
    """Docker's FamiliarMatch: the pattern against NAME:TAG, then NAME."""
    name = familiar(tag)
    repo = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
    return any(glob(p, name) or glob(p, repo) for p in patterns)


# -- networks -------------------------------------------------------------------

BUILTIN_NETWORKS = ("bridge", "host", "none")


def check_network_values(f: Filters) -> None:
    for value in f.values("type"):
        if value not in ("custom", "builtin"):
            raise InvalidArgument(f"invalid filter: 'type'='{value}'")
    network_dangling(f)


def network_dangling(f: Filters) -> bool | None:
    """dangling=true|1 or false|0 (None: not asked), one value only, in
    Docker's words."""
    values = f.values("dangling")
    if not values:
        return None
    if len(values) > 1:
        raise InvalidArgument('got more than one value for filter key "dangling"')
    if values[0] not in BOOLS:
        raise InvalidArgument('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")')
    return BOOLS[values[0]]


def network_matches(f: Filters, n: dict) -> bool:
    """`n`: id, name, driver, labels, scope."""
    if not exact(f, "driver", n["driver"]) or not search(f, "name", n["name"]) or not search(f, "id", n["id"]):
        return False
    if not labels(f, n["labels"]) or not exact(f, "scope", n.get("scope", "local")):
        return False
    kind = "builtin" if n["name"] in BUILTIN_NETWORKS else "custom"
    # dangling: Docker's daemon filters its list before it fills the
    # networks' containers, so every user network is dangling (true) and
    # only the predefined ones are not (false), used or not: both 20.10 and 28
    dangling = network_dangling(f)
    if dangling is not None and dangling != (kind == "custom"):
        return False
    return exact(f, "type", kind)


# -- volumes --------------------------------------------------------------------

def volume_matches(f: Filters, v: dict) -> bool:
    """`v`: name, driver, labels, used (a container uses it)."""
    if not exact(f, "driver", v["driver"]) or not search(f, "name", v["name"]) or not labels(f, v["labels"]):
        return False
    dangling = boolean(f, "dangling")
    return dangling is None or dangling == (not v["used"])
