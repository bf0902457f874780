"""--ulimit name=soft[:hard] as Docker parses it, validated, in OCI form
(process.rlimits) and as (resource, soft, hard) numbers for the init
(runtime side).

Hard limits are never raised: the engine runs without CAP_SYS_RESOURCE on
some hosts (this one), and a hard limit above the engine's own would fail in
the container's init anyway; it is refused here, with one clear line,
before anything starts.
"""
import resource

from common.errors import InvalidArgument

# Docker's names -> (OCI type, resource number from asm-generic/resource.h;
# Python's resource module lacks a few, RLIMIT_LOCKS among them).
TYPES = {
    "cpu": ("RLIMIT_CPU", 0), "fsize": ("RLIMIT_FSIZE", 1), "data": ("RLIMIT_DATA", 2),
    "stack": ("RLIMIT_STACK", 3), "core": ("RLIMIT_CORE", 4), "rss": ("RLIMIT_RSS", 5),
    "nproc": ("RLIMIT_NPROC", 6), "nofile": ("RLIMIT_NOFILE", 7), "memlock": ("RLIMIT_MEMLOCK", 8),
    "as": ("RLIMIT_AS", 9), "locks": ("RLIMIT_LOCKS", 10), "sigpending": ("RLIMIT_SIGPENDING", 11),
    "msgqueue": ("RLIMIT_MSGQUEUE", 12), "nice": ("RLIMIT_NICE", 13), "rtprio": ("RLIMIT_RTPRIO", 14),
    "rttime": ("RLIMIT_RTTIME", 15),
}
BY_OCI = {oci: (name, num) for name, (oci, num) in TYPES.items()}

INFINITY = 2**64 - 1  # RLIM_INFINITY, as OCI config.json carries it
NR_OPEN = "/proc/sys/fs/nr_open"


def _value(text: str, spec: str) -> int:
    text = text.strip()
    if text in ("-1", "unlimited", "infinity"):
        return INFINITY
    try:
        value = int(text, 10)
    except ValueError:
        raise InvalidArgument(f'invalid --ulimit "{spec}": "{text}" is not a number') from None
    if value < 0:
        raise InvalidArgument(f'invalid --ulimit "{spec}": negative limit {value} (use -1 or "unlimited")')
    if value >= INFINITY:
        raise InvalidArgument(f'invalid --ulimit "{spec}": {value} is beyond the largest limit ({INFINITY - 1})')
    return value


def parse(spec: str) -> dict:
    """"nofile=1024:2048" -> {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048};
    a single value sets both."""
    if not isinstance(spec, str) or "=" not in spec:  # Docker's CLI's words first
        raise InvalidArgument(f'invalid argument "{spec}" for "--ulimit" flag: invalid ulimit argument: {spec} '
                              '(expected name=soft[:hard])')
    name, _, values = spec.partition("=")
    name = name.strip()
    if name not in TYPES:
        raise InvalidArgument(f'invalid argument "{spec}" for "--ulimit" flag: invalid ulimit type: {name} '
                              f'(unknown limit "{name}": one of {", ".join(sorted(TYPES))})')
    soft_text, sep, hard_text = values.partition(":")
    if not soft_text.strip() or (sep and not hard_text.strip()):
        raise InvalidArgument(f'invalid --ulimit "{spec}": expected name=soft[:hard]')
    soft = _value(soft_text, spec)
    hard = _value(hard_text, spec) if sep else soft
    if soft > hard:
        raise InvalidArgument(f'invalid --ulimit "{spec}": soft limit {_show(soft)} '
                              f"is above the hard limit {_show(hard)}")
    return {"type": TYPES[name][0], "soft": soft, "hard": hard}


def _show(v: int) -> str:
    return "unlimited" if v == INFINITY else str(v)


def _current(num: int) -> tuple[int, int]:
    soft, hard = resource.getrlimit(num)
    return (INFINITY if soft == resource.RLIM_INFINITY else soft,
            INFINITY if hard == resource.RLIM_INFINITY else hard)


def _nr_open() -> int:
    try:
        with open(NR_OPEN) as f:
            return int(f.read())
    except (OSError, ValueError):
        return 1 << 20


def parse_all(specs) -> list[dict]:
    """Every --ulimit, validated against what the container can get: the
    last one of a type wins (as in Docker); a hard limit above the engine's
    own is refused."""
    by_type: dict[str, dict] = {}
    for spec in specs or ():
        r = parse(spec)
        by_type[r["type"]] = r
    out = list(by_type.values())
    check(out)
    return out


def check(rlimits: list[dict]) -> None:
    """OCI rlimits -> InvalidArgument when one cannot be applied here."""
    for r in rlimits:
        if r.get("type") not in BY_OCI:
            raise InvalidArgument(f'unknown rlimit type in the OCI config: "{r.get("type")}"')
        name, num = BY_OCI[r["type"]]
        soft, hard = int(r.get("soft", 0)), int(r.get("hard", 0))
        if not (0 <= soft <= hard <= INFINITY):
            raise InvalidArgument(f"--ulimit {name}: soft {_show(soft)} and hard {_show(hard)} "
                                  "are not 0 <= soft <= hard")
        _, cur_hard = _current(num)
        if hard > cur_hard:
            raise InvalidArgument(
                f"--ulimit {name}: hard limit {_show(hard)} is above the engine's own hard limit {_show(cur_hard)}: "
                f"raising a hard limit needs CAP_SYS_RESOURCE")
        if name == "nofile" and hard != INFINITY and hard > _nr_open():
            raise InvalidArgument(f"--ulimit nofile: {hard} is above the kernel's fs.nr_open ({_nr_open()})")
        if name == "nofile" and hard == INFINITY:
            raise InvalidArgument("--ulimit nofile: cannot be unlimited (the kernel caps it at fs.nr_open)")


def for_init(rlimits: list[dict]) -> list[tuple[int, int, int, str]]:
    """(resource number, soft, hard, docker name) per limit, infinity as -1
    (resource.RLIM_INFINITY), ready for setrlimit in the init."""
    out = []
    for r in rlimits:
        name, num = BY_OCI[r["type"]]
        soft, hard = int(r["soft"]), int(r["hard"])
        out.append((num, -1 if soft == INFINITY else soft, -1 if hard == INFINITY else hard, name))
    return out
