"""builder prune --filter: Docker's keys for the build cache, checked and
read as docker 20.10's daemon reads them (builder-next's
toBuildkitPruneInfo and BuildKit's record filters), with its words:

    until=DURATION, unused-for=DURATION   steps not used for that long (a Go duration)
    id=REGEXP                             the step's image id matches (a bad one: nothing)
    parent=ID                             the step below it is that one
    type=regular                          doca's steps are all regular layers
    description=TEXT                      the step's instruction (its history's created_by)
    inuse= shared= private=               BuildKit's boolean fields: only an empty
                                          value matches (its "==" compares the value "")
    label=..., label!=...                 accepted and ignored, as Docker's daemon does

The keys AND together; a key given twice is refused.
"""
import dataclasses
import re
from typing import Callable

from common.errors import InvalidArgument

CACHE_FIELDS = ("id", "parent", "type", "description", "inuse", "shared", "private")
ACCEPTED = ("until", "unused-for", "label", "label!", *CACHE_FIELDS)
PREFIX = "failed to prune build cache: "

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration(text: str) -> float:
    """time.ParseDuration, in seconds, with its errors' words."""
    s, neg = text, False
    if s[:1] in ("+", "-"):
        neg, s = s[0] == "-", s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise ValueError(f'time: invalid duration "{text}"')
    total = 0.0
    while s:
        m = re.match(r"(\d*)(?:\.(\d*))?", s)
        whole, frac = m.group(1), m.group(2)
        if not whole and not frac:
            raise ValueError(f'time: invalid duration "{text}"')
        s = s[m.end():]
        u = re.match(r"[^0-9.]*", s).group(0)
        if not u:
            raise ValueError(f'time: missing unit in duration "{text}"')
        if u not in _UNITS:
            raise ValueError(f'time: unknown unit "{u}" in duration "{text}"')
        s = s[len(u):]
        total += float(f"{whole or 0}.{frac or 0}") * _UNITS[u]
    return -total if neg else total


@dataclasses.dataclass
class Record:
    """What a filter sees of one cached step."""
    id: str            # its image id
    parent: str        # the image id of the step below, "" for none
    description: str
    shared: bool       # its layer is in an image outside the cache, or a container's
    used: float        # last use, seconds since the epoch
    size: int          # its layer's bytes
    key: str = ""


@dataclasses.dataclass
class Filters:
    keep_duration: float = 0.0   # seconds: steps used more recently than that stay
    match: Callable[[Record], bool] = lambda r: True
    narrowed: bool = False       # anything but the whole cache was asked for


def _pairs(items) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise InvalidArgument(f"bad format of filter (expected name=value): {item}")
        out.setdefault(key.strip().lower(), []).append(value)
    return out


def _field(key: str, value: str) -> Callable[[Record], bool]:
    if key == "id":
        try:
            pattern = re.compile(value)
        except re.error:  # Docker's daemon takes it, and it matches nothing
            return lambda r: False
        return lambda r: bool(pattern.search(r.id))
    if key == "parent":
        return lambda r: r.parent == value
    if key == "type":
        return lambda r: value == "regular"
    if key == "description":
        return lambda r: r.description == value
    held = {"inuse": lambda r: False, "shared": lambda r: r.shared, "private": lambda r: not r.shared}[key]
    return lambda r: value == "" and held(r)


def parse(items) -> Filters:
    given = _pairs(items)
    for key in given:
        if key not in ACCEPTED:
            raise InvalidArgument(f"{PREFIX}Invalid filter '{key}'")
    until, unused = given.get("until", []), given.get("unused-for", [])
    if until and unused:
        raise InvalidArgument(f'{PREFIX}conflicting filters: "until" and "unused-for"')
    out = Filters(narrowed=bool(given))
    durations = until or unused
    if len(durations) > 1:
        raise InvalidArgument(f"{PREFIX}filters expect only one value")
    if durations:
        try:
            out.keep_duration = go_duration(durations[0])
        except ValueError as e:
            name = "until" if until else "unused-for"
            raise InvalidArgument(f'{PREFIX}"{name}" filter expects a duration (e.g., \'24h\'): {e}') from None
    tests = []
    for key in CACHE_FIELDS:
        if key in given:
            if len(given[key]) > 1:
                raise InvalidArgument(f"{PREFIX}filters expect only one value")
            tests.append(_field(key, given[key][0]))
    out.match = lambda r: all(t(r) for t in tests)
    return out
