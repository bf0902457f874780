"""RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK: the instructions that carry a
command line for the container, in exec form (a JSON array of strings) or
shell form (anything else: a JSON array with a number in it is shell form).
Their text is never expanded by the builder.
"""
import re

from .flags import Request
from .instructions import Cmd, Command, Entrypoint, Healthcheck, Run, Shell
from .words import json_array

NETWORKS = ("default", "none", "host")
SECURITY = ("sandbox", "insecure")
MIN_DURATION_NS = 1_000_000  # 1ms: a non-zero HEALTHCHECK duration is at least that

_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
            "m": 60_000_000_000, "h": 3_600_000_000_000}
_DURATION = re.compile(r"([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)")
_DURATION_PART = re.compile(r"(\d*)\.?(\d*)(ns|us|µs|μs|ms|s|m|h)")


def _command(req: Request) -> Command:
    argv = json_array(req.text)
    if argv is not None:
        return Command(tuple(argv), shell=False)
    return Command((req.text,), shell=True)


def parse_run(req: Request) -> Run:
    flags = req.flags()
    command = _command(req)
    if not command.args or not command.args[0].strip():
        raise req.error('RUN requires a command: expected RUN <command> or RUN ["executable", "arg", ...]')
    network, security = flags.get("network"), flags.get("security")
    if network is not None and network not in NETWORKS:
        raise req.error(f"RUN --network={network}: expected one of {', '.join(NETWORKS)}")
    if security is not None and security not in SECURITY:
        raise req.error(f"RUN --security={security}: expected one of {', '.join(SECURITY)}")
    return Run(loc=req.loc, command=command, heredocs=req.heredocs,
               mounts=tuple(flags.get("mount", ())), network=network, security=security)


def parse_cmd(req: Request) -> Cmd:
    req.flags()
    return Cmd(loc=req.loc, command=_command(req))


def parse_entrypoint(req: Request) -> Entrypoint:
    req.flags()
    return Entrypoint(loc=req.loc, command=_command(req))


def parse_shell(req: Request) -> Shell:
    req.flags()
    argv = json_array(req.text)
    if argv is None:
        raise req.error('SHELL requires the JSON form: expected SHELL ["executable", "parameters"]')
    if not argv:
        raise req.error('SHELL requires at least one argument: expected SHELL ["executable", "parameters"]')
    return Shell(loc=req.loc, args=tuple(argv))


def go_duration(text: str) -> int:
    """Nanoseconds of a Go duration ("30s", "1m30s", "1.5h", "0"); ValueError
    for anything else. Fractions are truncated to the nanosecond, as in Go."""
    if text in ("0", "+0", "-0"):
        return 0
    m = _DURATION.fullmatch(text)
    if not m:
        raise ValueError(text)
    total = 0
    for whole, frac, unit in _DURATION_PART.findall(m[2]):
        scale = _UNIT_NS[unit]
        total += int(whole or 0) * scale + (int(frac) * scale // 10 ** len(frac) if frac else 0)
    return -total if m[1] == "-" else total


def parse_healthcheck(req: Request) -> Healthcheck:
    flags = req.flags()
    words = req.text.split(None, 1)
    usage = "expected HEALTHCHECK [OPTIONS] CMD command, or HEALTHCHECK NONE"
    if not words:
        raise req.error(f"HEALTHCHECK requires NONE or CMD: {usage}")
    kind = words[0].upper()
    if kind == "NONE":
        if len(words) > 1 or flags:
            raise req.error("HEALTHCHECK NONE takes no flags or arguments: expected HEALTHCHECK NONE")
        return Healthcheck(loc=req.loc, test=("NONE",))
    if kind != "CMD":
        raise req.error(f"unknown type {words[0]!r} in HEALTHCHECK: {usage}")
    rest = words[1] if len(words) > 1 else ""
    argv = json_array(rest)
    if argv is not None:
        test = ("CMD", *argv)
    else:
        test = ("CMD-SHELL", rest)
    if len(test) == 1 or not "".join(test[1:]).strip():
        raise req.error(f"HEALTHCHECK CMD requires a command: {usage}")
    times = {}
    for flag in ("interval", "timeout", "start-period", "start-interval"):
        if flag not in flags:
            continue
        try:
            ns = go_duration(flags[flag])
        except ValueError:
            raise req.error(f"--{flag}={flags[flag]}: expected a duration such as 30s, 1m30s or 500ms") from None
        if ns < 0:
            raise req.error(f"--{flag}={flags[flag]} cannot be negative")
        if 0 < ns < MIN_DURATION_NS:
            raise req.error(f"--{flag}={flags[flag]} cannot be less than 1ms (0 means the default)")
        times[flag.replace("-", "_")] = ns
    retries = None
    if "retries" in flags:
        if not re.fullmatch(r"[-+]?[0-9]+", flags["retries"]):
            raise req.error(f"--retries={flags['retries']}: expected a whole number")
        retries = int(flags["retries"])
        if retries < 0:
            raise req.error(f"--retries={retries} cannot be negative")
    return Healthcheck(loc=req.loc, test=test, retries=retries, **times)
