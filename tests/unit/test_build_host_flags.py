"""build's RUN-step flags as Docker's client reads them (gateway/cli/build_flags.py),
and builder prune's filters as Docker's daemon reads them (build/cache_filters.py):
values and Docker's words for the bad ones."""
import pytest

from common.errors import InvalidArgument
from gateway.cli import build_flags
from services.images.build import cache_filters
from services.images.build.cache_filters import Record


@pytest.mark.parametrize("text, size", [("0", 0), ("64m", 64 << 20), ("1.5g", 3 << 29), ("10 MiB", 10 << 20),
                                        ("2KB", 2048), ("7", 7)])
def test_sizes(text, size):
    assert build_flags.ram_in_bytes(text, "-m, --memory") == size


@pytest.mark.parametrize("text", ["x", "-1", "1.2.3", "1q", ""])
def test_bad_sizes(text):
    with pytest.raises(build_flags.FlagError, match=f"invalid size: '{text}'"):
        build_flags.ram_in_bytes(text, "-m, --memory")


@pytest.mark.parametrize("text, words", [
    ("nofile", "invalid ulimit argument: nofile"), ("nosuch=1", "invalid ulimit type: nosuch"),
    ("nofile=1:2:3", "too many limit value arguments - 1:2:3"), ("nofile=x", 'parsing "x": invalid syntax'),
    ("nofile=3:2", "soft limit must be less than or equal to hard limit: 3 > 2")])
def test_bad_ulimits(text, words):
    with pytest.raises(build_flags.FlagError, match=words):
        build_flags.ulimit(text)


def test_ulimits_and_hosts():
    assert build_flags.ulimit("nofile=1:-1") == "nofile=1:-1"
    for ok in ("a:10.0.0.1", "a:host-gateway", "a:::1"):
        assert build_flags.extra_host(ok) == ok
    for bad, words in (("a", "bad format for add-host"), (":1.2.3.4", "bad format"), ("a:b", "invalid IP address")):
        with pytest.raises(build_flags.FlagError, match=words):
            build_flags.extra_host(bad)


@pytest.mark.parametrize("text, seconds", [("24h", 86400), ("1h30m", 5400), ("0", 0), ("1.5s", 1.5),
                                           ("-2m", -120), ("500ms", 0.5), ("3us", 3e-6)])
def test_go_durations(text, seconds):
    assert cache_filters.go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text, words", [("x", 'invalid duration "x"'), ("10", 'missing unit in duration "10"'),
                                         ("2d", 'unknown unit "d" in duration "2d"'), ("", 'invalid duration ""'),
                                         (".h", 'invalid duration ".h"')])
def test_bad_go_durations(text, words):
    with pytest.raises(ValueError, match=words):
        cache_filters.go_duration(text)


def _record(**kw) -> Record:
    base = dict(id="sha256:abc123", parent="", description="RUN /bin/sh -c true", shared=False, used=0.0, size=1)
    return Record(**{**base, **kw})


def test_filters_match_as_buildkit():
    f = cache_filters.parse(["until=24h", "id=abc", "type=regular", "description=RUN /bin/sh -c true"])
    assert f.keep_duration == 86400 and f.narrowed and f.match(_record())
    assert not f.match(_record(id="sha256:def"))
    assert not cache_filters.parse(["type=internal"]).match(_record())
    # BuildKit's boolean fields: only an empty value matches, where the field holds
    assert cache_filters.parse(["shared="]).match(_record(shared=True))
    assert not cache_filters.parse(["shared=true"]).match(_record(shared=True))
    assert cache_filters.parse(["private="]).match(_record())
    assert cache_filters.parse(["label=a=b", "label!=c"]).match(_record())
    assert not cache_filters.parse(["id=["]).match(_record())
    assert not cache_filters.parse([]).narrowed


@pytest.mark.parametrize("items, words", [
    (["foo=1"], "Invalid filter 'foo'"), (["mutable=1"], "Invalid filter 'mutable'"),
    (["until=1h", "until=2h"], "filters expect only one value"),
    (["id=a", "id=b"], "filters expect only one value"),
    (["until=1h", "unused-for=1h"], 'conflicting filters: "until" and "unused-for"'),
    (["unused-for=x"], "\"unused-for\" filter expects a duration \\(e.g., '24h'\\): time: invalid duration")])
def test_bad_filters(items, words):
    with pytest.raises(InvalidArgument, match=words):
        cache_filters.parse(items)
