"""HEALTHCHECK (commands.py): NONE or options then CMD in either form, Go
durations, and the errors."""
import pytest

from services.images.dockerfile import DockerfileError, Healthcheck, parse
from services.images.dockerfile.commands import go_duration

S = 1_000_000_000
USAGE = "expected HEALTHCHECK [OPTIONS] CMD command, or HEALTHCHECK NONE"


def inst(line):
    return parse("FROM base\n" + line + "\n").instructions[-1]


@pytest.mark.parametrize("line, expected", [
    ("HEALTHCHECK NONE", dict(test=("NONE",), interval=None, retries=None)),
    ("HEALTHCHECK none", dict(test=("NONE",))),
    ("HEALTHCHECK CMD echo $HOME", dict(test=("CMD-SHELL", "echo $HOME"))),  # for the shell, unexpanded
    ("HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
     dict(test=("CMD-SHELL", "curl -f http://localhost/ || exit 1"))),
    ('HEALTHCHECK cmd ["curl", "-f", "http://x"]', dict(test=("CMD", "curl", "-f", "http://x"))),
    ("HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=5 CMD x",
     dict(interval=300 * S, timeout=3 * S, start_period=90 * S, start_interval=S // 2, retries=5)),
    ("HEALTHCHECK --interval=0s --retries=0 CMD true", dict(interval=0, retries=0)),
    ("HEALTHCHECK --timeout=1.5s CMD true", dict(timeout=3 * S // 2)),
])
def test_healthcheck(line, expected):
    i = inst(line)
    assert isinstance(i, Healthcheck) and {k: getattr(i, k) for k in expected} == expected


@pytest.mark.parametrize("text, ns", [
    ("0", 0), ("1ns", 1), ("1us", 1000), ("1µs", 1000), ("2ms", 2_000_000), ("1.5s", 1_500_000_000),
    ("1h2m3s", 3723 * S), (".5m", 30 * S), ("1.s", S), ("-1s", -S), ("+2s", 2 * S),
    ("1.0000000009s", S),  # truncated to the nanosecond
])
def test_go_duration(text, ns):
    assert go_duration(text) == ns


@pytest.mark.parametrize("text", ["", "1", "s", "1x", "1 s", "1s2", "--1s", "1.2.3s", "."])
def test_go_duration_rejects(text):
    with pytest.raises(ValueError):
        go_duration(text)


@pytest.mark.parametrize("line, reason", [
    ("HEALTHCHECK", f"HEALTHCHECK requires NONE or CMD: {USAGE}"),
    ("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no flags or arguments: expected HEALTHCHECK NONE"),
    ("HEALTHCHECK --retries=1 NONE", "HEALTHCHECK NONE takes no flags or arguments: expected HEALTHCHECK NONE"),
    ("HEALTHCHECK RUN x", f"unknown type 'RUN' in HEALTHCHECK: {USAGE}"),
    ("HEALTHCHECK CMD", f"HEALTHCHECK CMD requires a command: {USAGE}"),
    ("HEALTHCHECK CMD []", f"HEALTHCHECK CMD requires a command: {USAGE}"),
    ("HEALTHCHECK --interval=5 CMD x", "--interval=5: expected a duration such as 30s, 1m30s or 500ms"),
    ("HEALTHCHECK --timeout=-1s CMD x", "--timeout=-1s cannot be negative"),
    ("HEALTHCHECK --start-period=10us CMD x", "--start-period=10us cannot be less than 1ms (0 means the default)"),
    ("HEALTHCHECK --retries=x CMD x", "--retries=x: expected a whole number"),
    ("HEALTHCHECK --retries=1_0 CMD x", "--retries=1_0: expected a whole number"),
    ("HEALTHCHECK --retries=-1 CMD x", "--retries=-1 cannot be negative"),
    ("HEALTHCHECK --tries=1 CMD x", "unknown flag --tries for HEALTHCHECK: expected one of --interval, --timeout, "
                                    "--start-period, --start-interval, --retries"),
])
def test_healthcheck_errors(line, reason):
    with pytest.raises(DockerfileError) as e:
        inst(line)
    assert str(e.value) == f"Dockerfile:2: {reason}"
