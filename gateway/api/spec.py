"""Turns a user's ContainerConfig (Docker's run flags) and the image's
config into the runtime's ContainerSpec: command, environment, limits, mounts.
Validation of user input happens here, before anything is created."""
import dataclasses
import datetime
import math
import re
import time
import typing

from common import cgroup_features, resources as limits, units, validate
from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb

# Docker's CLI's list (opts.ValidateSysctl); the runtime checks it again.
NAMESPACED_SYSCTLS = ("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                      "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced")
NAMESPACED_SYSCTL_PREFIXES = ("net.", "fs.mqueue.")
DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def command(cfg, image_config) -> tuple[list[str], list[str], list[str]]:
    """(args, entrypoint, cmd) as Docker combines them: ENTRYPOINT + CMD,
    where the user's command replaces CMD and --entrypoint replaces ENTRYPOINT
    (and then drops the image's CMD)."""
    entrypoint = list(image_config.entrypoint)
    cmd = list(image_config.cmd)
    if cfg.entrypoint:
        entrypoint = [e for e in cfg.entrypoint if e]
        cmd = []
    if cfg.cmd:
        cmd = list(cfg.cmd)
    return entrypoint + cmd, entrypoint, cmd


def working_dir(cfg, image_config) -> str:
    """-w, else the image's WorkingDir, else /. Docker refuses a relative
    -w with these words; an image whose WorkingDir is relative fails its
    run in Docker too (runc: "Cwd must be an absolute path"), here before
    anything is made, and -w is the way round it."""
    if cfg.workdir:
        return validate.workdir(cfg.workdir)
    validate.workdir(image_config.working_dir, f" (the image {cfg.image}'s WORKDIR: give one with -w)")
    return image_config.working_dir or "/"


def _key(item: str) -> str:
    key = item.partition("=")[0]
    if not key:
        raise InvalidArgument(f"invalid environment variable {item!r}: expected KEY=VALUE")
    return key


def config_env(image_env, user_env) -> list[str]:
    """Docker's Config.Env: the user's variables as given, then the image's
    that the user did not name (its daemon's merge of the two configs)."""
    named = {_key(item) for item in user_env}
    return list(user_env) + [item for item in image_env if _key(item) not in named]


def environment(config: list[str], hostname: str, tty: bool) -> list[str]:
    """The process's environment as Docker's daemon builds it: PATH,
    HOSTNAME (and TERM with -t) first, each replaced by Config.Env's value
    of the same key, the rest of Config.Env after them; a bare KEY unsets."""
    merged: dict[str, str | None] = {"PATH": DEFAULT_PATH.split("=", 1)[1], "HOSTNAME": hostname}
    if tty:
        merged["TERM"] = "xterm"
    for item in config:
        key, sep, value = item.partition("=")
        if sep:
            merged[key] = value
        else:
            merged.pop(key, None)
    return [f"{k}={v}" for k, v in merged.items()]


def resources(req) -> rpb.Resources:
    """The limits of a ContainerConfig or an UpdateRequest (one field name
    for each in both, as common/resources.py names them) in the runtime's
    units, checked; --cpus becomes the CFS quota and period."""
    values = {}
    given = req.DESCRIPTOR.fields_by_name
    for f in limits.FIELDS:
        name = f.metadata["user"]
        if name not in given:
            continue
        values[f.name] = _limit_value(f, name, getattr(req, name), req)
    if "cpus" in given and req.cpus:
        units.cpus_to_quota(req.cpus)  # its checks, with Docker's words
        for user in ("cpu_quota", "cpu_period"):
            if values.get(user):
                what = "Quota" if user == "cpu_quota" else "Period"
                raise InvalidArgument(f"Conflicting options: Nano CPUs and CPU {what} cannot both be set")
        values["nano_cpus"] = round(req.cpus * 1e9)
        values["cpu_quota"], values["cpu_period"] = limits.nano_to_quota(values["nano_cpus"])
    if not cgroup_features.blkio_weight():  # Docker's daemon discards them (warnings() says so)
        values.pop("blkio_weight", None)
        values.pop("blkio_weight_device", None)
    if "id" in given:  # an update: its combination is checked once merged with the container's (runtime)
        return rpb.Resources(**limits.checked(values))
    return rpb.Resources(**dataclasses.asdict(limits.Resources(**values)))


def warnings(req) -> list[str]:
    """What Docker's CLI and daemon warn of for these limits (create, run,
    update): a limit this kernel does not have is discarded, with a warning."""
    out = []
    given = req.DESCRIPTOR.fields_by_name
    if "kernel_memory" in given and req.kernel_memory:
        out.append("Specifying a kernel memory limit is deprecated and will be removed in a future release.")
    if "oom_kill_disable" in given and req.oom_kill_disable and not req.memory:
        out += ["Disabling the OOM killer on containers without setting a '-m/--memory' limit may be dangerous.",
                "OOM killer is disabled for the container, but no memory limit is set, this can result in the "
                "system running out of resources."]
    if "network" in given and req.network == "host" and (req.publish or req.publish_all):
        out.append("Published ports are discarded when using host network mode")  # Docker's daemon's
    if not cgroup_features.blkio_weight():
        if req.blkio_weight:
            out.append("Your kernel does not support Block I/O weight or the cgroup is not mounted. "
                       "Weight discarded.")
        if "blkio_weight_device" in given and req.blkio_weight_device:
            out.append("Your kernel does not support Block I/O weight_device or the cgroup is not mounted. "
                       "Weight-device discarded.")
    return out


def _limit_value(f, name: str, value, req):
    """One limit as the user wrote it -> the runtime's unit."""
    unit = f.metadata["unit"]
    if unit == limits.SIZE:
        return units.parse_size(value, name.replace("_", " "))
    if unit == limits.SIZE_OR_UNLIMITED:
        return limits.UNLIMITED if value == "-1" else units.parse_size(value, name.replace("_", " "))
    if unit == limits.COUNT_OR_UNLIMITED:  # Docker: 0 or less is unlimited (in an update, 0 is unchanged)
        return limits.UNLIMITED if value < 0 else value
    if f.default is None:  # optional: -1 or unset is the kernel's
        return value if req.HasField(name) and value != -1 else None
    if unit in limits.LISTS:
        return tuple(_device_value(f, item) for item in value)
    if unit in (limits.DEVICES, limits.RULES):
        return tuple(value)
    return value


def _device_value(f, item: str) -> str:
    """DEVICE:VALUE as Docker's CLI checks it (its words); a rate's units
    parsed here."""
    unit, flag = f.metadata["unit"], limits.flag(f)
    device, sep, value = item.rpartition(":")
    if unit == limits.WEIGHTS:
        if not sep or not device.startswith("/dev/"):
            raise InvalidArgument(f'invalid argument "{item}" for "{flag}" flag: bad format: {item}')
        if not validate.digits(value) or not 10 <= int(value) <= 1000:
            raise InvalidArgument(f'invalid argument "{item}" for "{flag}" flag: invalid weight for device: {item}')
        return f"{device}:{int(value)}"
    if not sep or not device.startswith("/dev/"):
        raise InvalidArgument(f'invalid argument "{item}" for "{flag}" flag: bad format for device path: {item}')
    if unit == limits.IOPS:
        if not validate.digits(value) or len(value) > 19:
            raise InvalidArgument(f'invalid argument "{item}" for "{flag}" flag: invalid rate for device: {item}. '
                                  "The correct format is <device-path>:<number>. Number must be a positive integer")
        return f"{device}:{int(value)}"
    try:
        rate = units.parse_size(value, "rate") if value and value[0].isdigit() else -1
    except InvalidArgument:
        rate = -1
    if rate < 0:
        raise InvalidArgument(f'invalid argument "{item}" for "{flag}" flag: invalid rate for device: {item}. '
                              "The correct format is <device-path>:<number>[<unit>]. Number must be a positive "
                              "integer. Unit is optional and can be kb, mb, or gb")
    return f"{device}:{rate}"


class VolumeSpec(typing.NamedTuple):
    source: str  # a volume's name, a host path (a bind), or "" (an anonymous volume)
    destination: str
    read_only: bool = False
    copy: bool = True  # an empty volume gets the image's content first (not with "nocopy")
    # --mount volume-label=K=V, volume-opt=K=V: a named volume made with them
    # when missing ((key, value) pairs; an existing volume keeps its own).
    labels: tuple = ()
    options: tuple = ()
    propagation: str = ""  # a bind's (-v SRC:DST:rslave, --mount bind-propagation=); "" = rprivate


def _volume_error(text: str, kind: str, problem: str) -> InvalidArgument:
    # Docker's daemon's words: scripts and people grep for them
    return InvalidArgument(f"invalid volume specification: '{validate.cut(text)}': "
                           f"invalid mount config for type \"{kind}\": {problem}")


def parse_volume(text: str) -> VolumeSpec:
    """'NAME:/path[:OPTIONS]', '/host/path:/path[:OPTIONS]' or '/path' (an
    anonymous volume); OPTIONS: comma-separated ro, rw, nocopy. The
    destination must be absolute and not / (after '..' is resolved), as
    Docker refuses."""
    validate.text(text, "volume specification", validate.PATH_MAX * 2)
    parts = text.split(":")
    if len(parts) == 1:
        problem = validate.destination_problem(text)
        if problem:
            raise _volume_error(text, "volume", problem)
        return VolumeSpec("", text)
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise InvalidArgument(f"invalid volume specification: '{validate.cut(text)}': expected NAME:/path[:ro] or "
                              "/path")
    source, dest = parts[0], parts[1]
    options = parts[2].split(",") if len(parts) == 3 else []
    for opt in options:
        if opt not in ("ro", "rw", "nocopy") and opt not in PROPAGATIONS:
            raise InvalidArgument(f"invalid mode: {validate.cut(opt, 40)} (in volume specification "
                                  f"'{validate.cut(text)}': use ro, rw, nocopy or a propagation: "
                                  f"{', '.join(PROPAGATIONS)})")
    propagations = [o for o in options if o in PROPAGATIONS]
    if len(propagations) > 1:
        raise InvalidArgument(f"invalid mode: {parts[2]}")
    problem = validate.destination_problem(dest)
    if problem:
        raise _volume_error(text, "bind" if source.startswith("/") else "volume", problem)
    if not source.startswith("/"):
        if propagations:  # Docker's words: propagation is a bind's option
            raise _volume_error(text, "volume", "field BindOptions must not be specified")
        validate.volume_name(source)
    return VolumeSpec(source, dest, "ro" in options, "nocopy" not in options,
                      propagation=propagations[0] if propagations else "")


# A bind's mount propagation, Docker's modes (the runtime's init applies it;
# the source must itself be a shared mount for shared/rshared to reach the host).
PROPAGATIONS = ("private", "rprivate", "shared", "rshared", "slave", "rslave")


def network_mode(cfg) -> str:
    """bridge (default), none, host, container:NAME (gateway/api/net_modes.py
    resolves NAME) or a network's name."""
    mode = cfg.network or "bridge"
    if mode == "default":  # Docker's name of the default network mode: the bridge
        mode = "bridge"
    if mode == "container":
        raise InvalidArgument("Invalid network mode: invalid container format container:<name|id>")
    return mode


def restart_policy(cfg) -> rpb.RestartPolicy:
    """'on-failure:3' -> RestartPolicy(name='on-failure', maximum_retry_count=3)."""
    text = cfg.restart or "no"
    name, _, count = text.partition(":")
    if name not in ("no", "always", "unless-stopped", "on-failure"):
        raise InvalidArgument(f"invalid restart policy {validate.shown(text)}: use no, always, unless-stopped or "
                              "on-failure[:max-retries]")
    if count and (name != "on-failure" or not validate.digits(count)):
        raise InvalidArgument(f"invalid restart policy {validate.shown(text)}: only on-failure takes a maximum "
                              "retry count (a number)")
    if count and int(count) > validate.INT32[1]:
        raise InvalidArgument(f"invalid restart policy {validate.shown(text)}: at most {validate.INT32[1]} retries")
    if name != "no" and getattr(cfg, "auto_remove", False):  # an UpdateRequest has none: the runtime checks
        raise InvalidArgument("conflicting options: --restart and --rm")
    return rpb.RestartPolicy(name=name, maximum_retry_count=int(count or 0))


def stop_timeout(cfg) -> int:
    if cfg.stop_timeout < 0:
        raise InvalidArgument(f"invalid --stop-timeout {cfg.stop_timeout}: must be 0 or more seconds")
    return cfg.stop_timeout


_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")


def since(text: str, now: float | None = None, flag: str = "--since") -> float:
    """--since: RFC 3339 (2026-11-28T10:00:00Z), a Unix time, or a duration
    before now (10m, 1h30m, 45s) -> epoch seconds; empty -> 0."""
    if not text:
        return 0.0
    m = _DURATION.fullmatch(text)
    if m and any(m.groups()):
        h, mnt, s = (float(g) if g else 0.0 for g in m.groups())
        return (now or time.time()) - (h * 3600 + mnt * 60 + s)
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is not None and math.isfinite(value):
        return value
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise InvalidArgument(f"invalid {flag} {text!r}: use an RFC 3339 time, a Unix time or a duration like 10m") from None


def namespace_modes(cfg) -> tuple[str, str, str]:
    """--pid, --ipc, --uts as Docker reads them (its words for a bad one);
    container:NAME is resolved by gateway/api/net_modes.py."""
    pid, ipc, uts = cfg.pid, cfg.ipc, cfg.uts
    if pid not in ("", "host") and not pid.startswith("container:"):
        raise InvalidArgument("--pid: invalid PID mode")
    if uts not in ("", "host"):
        raise InvalidArgument("--uts: invalid UTS mode")
    if ipc not in ("", "private", "shareable", "host", "none") and not ipc.startswith("container:"):
        raise InvalidArgument(f"Invalid IPC mode: {validate.cut(ipc, 60)}")
    if uts == "host" and cfg.hostname:
        raise InvalidArgument("conflicting options: hostname and the UTS mode")
    return pid, ipc or "private", uts


LOG_DRIVERS = ("json-file", "local", "none")


def log_config(opts, driver: str = "") -> rpb.LogConfig:
    """--log-driver json-file (default), local or none; --log-opt
    max-size=10m --log-opt max-file=3 (Docker's local: 20m and 5 unless
    given; none takes no option), with Docker's words for the others."""
    driver = driver or "json-file"
    if driver not in LOG_DRIVERS:
        raise InvalidArgument(f'error looking up logging plugin {validate.cut(driver, 60)}: plugin '
                              f'"{validate.cut(driver, 60)}" not found')
    if driver == "none":
        if opts:
            raise InvalidArgument("invalid logging opts for driver none")
        return rpb.LogConfig(driver="none")
    out = _rotation(opts)
    if driver == "local":
        out.driver = "local"
        out.max_size = out.max_size or 20 << 20
        out.max_file = out.max_file or 5
    return out


def _rotation(opts) -> rpb.LogConfig:
    known = {"max-size", "max-file"}
    unknown = set(opts) - known
    if unknown:
        raise InvalidArgument(f"unknown log option {sorted(unknown)[0]!r}: doca's json-file takes max-size and max-file")
    size = units.parse_size(opts.get("max-size", ""), "log max-size")
    files = opts.get("max-file", "")
    if files and (not validate.digits(files) or not 1 <= int(files) <= validate.INT32[1]):
        raise InvalidArgument(f"invalid log max-file {files!r}: a positive number")
    return rpb.LogConfig(max_size=size, max_file=int(files or 0))


def parse_tmpfs(text: str) -> rpb.Mount:
    """--tmpfs /path[:opt,opt]: Docker's defaults noexec,nosuid,nodev, then
    the user's options (a later flag wins: exec undoes noexec)."""
    dest, _, opts = text.partition(":")
    problem = validate.destination_problem(dest)
    if problem:  # Docker's words, as its daemon gives them for --tmpfs
        raise InvalidArgument(problem)
    options = ["noexec", "nosuid", "nodev", "rprivate"] + [o for o in opts.split(",") if o]
    return rpb.Mount(destination=dest, type="tmpfs", source="tmpfs", options=options)


def sysctls(items) -> dict[str, str]:
    """--sysctl KEY=VALUE, refused as Docker's CLI refuses it: only the
    kernel parameters a container's namespaces hold."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not (key in NAMESPACED_SYSCTLS or key.startswith(NAMESPACED_SYSCTL_PREFIXES)) \
                or "/" in key or ".." in key:
            raise InvalidArgument(f'invalid argument "{item}" for "--sysctl" flag: sysctl \'{item}\' is not whitelisted')
        out[key] = value
    return out


_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)")
_NS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def duration_ns(text: str, what: str) -> int:
    """Go's duration syntax as Docker takes it: 30s, 1m30s, 500ms."""
    if not text:
        return 0
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise InvalidArgument(f"invalid {what} {validate.shown(text)}: use a duration like 30s, 1m30s or 500ms")
    ns = int(sum(float(n) * _NS[u] for n, u in parts))
    if ns > validate.INT64[1]:  # Go's time.Duration is an int64 of nanoseconds too
        raise InvalidArgument(f"invalid {what} {validate.shown(text)}: at most about 2562047h")
    return ns


def healthcheck(cfg, image_hc) -> rpb.Healthcheck | None:
    """The image's HEALTHCHECK, overridden field by field by the --health-* flags."""
    if cfg.no_healthcheck:
        return rpb.Healthcheck(test=["NONE"])
    test = ["CMD-SHELL", cfg.health_cmd] if cfg.health_cmd else list(getattr(cfg, "health_test", ())) or \
        list(image_hc.test)  # health_test: the Engine API's exec form
    if cfg.health_retries < 0:
        raise InvalidArgument(f"invalid --health-retries {cfg.health_retries}: must be 0 or more")
    hc = rpb.Healthcheck(
        test=test,
        interval=duration_ns(cfg.health_interval, "--health-interval") or image_hc.interval,
        timeout=duration_ns(cfg.health_timeout, "--health-timeout") or image_hc.timeout,
        start_period=duration_ns(cfg.health_start_period, "--health-start-period") or image_hc.start_period,
        retries=cfg.health_retries or image_hc.retries)
    for value, flag in ((hc.interval, "--health-interval"), (hc.timeout, "--health-timeout")):
        if value and value < 1_000_000:
            raise InvalidArgument(f"invalid {flag}: at least 1ms")
    return hc if test else None


def userns_remap(text: str) -> rpb.UsernsRemap | None:
    """--userns-remap: "default" = 100000 with 65536 ids, or BASE[:SIZE]."""
    if not text:
        return None
    if text == "default":
        return rpb.UsernsRemap(uid_base=100000, gid_base=100000, size=65536)
    base, _, size = text.partition(":")
    if not validate.digits(base) or (size and not validate.digits(size)) or len(base) > 10 or len(size) > 10:
        raise InvalidArgument(f"invalid --userns-remap {validate.shown(text)}: use default or BASE[:SIZE], "
                              "e.g. 100000:65536 (32-bit ids)")
    return rpb.UsernsRemap(uid_base=int(base), gid_base=int(base), size=int(size or 65536))
