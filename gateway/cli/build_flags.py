"""`doca build`'s limits and options of the RUN steps' containers, read as
Docker's CLI reads them (its opts.MemBytes, MemSwapBytes, UlimitOpt,
ValidateExtraHost): a value it cannot read is a flag error (exit 125)
before anything is sent; the engine checks the rest (bounds, cpusets) at
the first RUN, as Docker's daemon does when it creates that container."""
import ipaddress
import re

# go-units' RAMInBytes: binary multiples, an optional space, i and b.
_SIZE = re.compile(r"^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")
_MULT = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
# go-units' ulimitNameMapping
ULIMITS = ("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
           "rtprio", "rttime", "sigpending", "stack")


class FlagError(Exception):
    """pflag's 'invalid argument "V" for "FLAG" flag: WHY'."""

    def __init__(self, flag: str, value: str, why: str):
        super().__init__(f'invalid argument "{value}" for "{flag}" flag: {why}')


def ram_in_bytes(text: str, flag: str) -> int:
    m = _SIZE.fullmatch(text)
    try:
        if not m:
            raise ValueError(text)
        return int(float(m.group(1)) * _MULT[(m.group(2) or "").lower()])
    except ValueError:
        raise FlagError(flag, text, f"invalid size: '{text}'") from None


def _parse_int(text: str) -> int:
    """strconv.ParseInt(text, 10, 64) or its error's words."""
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f'strconv.ParseInt: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(1 << 63) <= value < (1 << 63):
        raise ValueError(f'strconv.ParseInt: parsing "{text}": value out of range')
    return value


def ulimit(text: str) -> str:
    name, eq, values = text.partition("=")
    if not eq:
        raise FlagError("--ulimit", text, f"invalid ulimit argument: {text}")
    if name not in ULIMITS:
        raise FlagError("--ulimit", text, f"invalid ulimit type: {name}")
    parts = values.split(":")
    if len(parts) > 2:
        raise FlagError("--ulimit", text, f"too many limit value arguments - {values}, can only have up to two, "
                        "`soft[:hard]`")
    try:
        hard = _parse_int(parts[1]) if len(parts) == 2 else None
        soft = _parse_int(parts[0])
    except ValueError as e:
        raise FlagError("--ulimit", text, str(e)) from None
    hard = soft if hard is None else hard
    if hard != -1 and soft > hard:
        raise FlagError("--ulimit", text, f"ulimit soft limit must be less than or equal to hard limit: "
                        f"{soft} > {hard}")
    return text


def extra_host(text: str) -> str:
    name, sep, ip = text.partition(":")
    if not sep or not name:
        raise FlagError("--add-host", text, f'bad format for add-host: "{text}"')
    if ip != "host-gateway":
        try:
            ipaddress.ip_address(ip.strip())
        except ValueError:
            raise FlagError("--add-host", text, f'invalid IP address in add-host: "{ip}"') from None
    return text


def apply(args, opts) -> None:
    """The flags into the build's options (raises FlagError)."""
    if args.memory:
        opts.memory = ram_in_bytes(args.memory, "-m, --memory")
    if args.memory_swap:
        opts.memory_swap = -1 if args.memory_swap == "-1" else ram_in_bytes(args.memory_swap, "--memory-swap")
    if args.shm_size:
        opts.shm_size = ram_in_bytes(args.shm_size, "--shm-size")
    opts.cpu_shares = args.cpu_shares or 0
    opts.cpu_period = args.cpu_period or 0
    opts.cpu_quota = args.cpu_quota or 0
    opts.cpuset_cpus, opts.cpuset_mems = args.cpuset_cpus or "", args.cpuset_mems or ""
    opts.cgroup_parent = args.cgroup_parent or ""
    opts.ulimits.extend(ulimit(u) for u in args.ulimit)
    opts.add_hosts.extend(extra_host(h) for h in args.add_host)
    opts.security_opt.extend(args.security_opt)
