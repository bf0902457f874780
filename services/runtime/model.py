"""The runtime's typed container spec: what a record holds and every part
of the runtime reads. Made from the API's ContainerSpec message once, at
the servicer's door (api.py); written to and read from the record as the
message's JSON form (its camelCase names, defaults left out), so that a
record an older doca wrote reads the same; made into OCI's config.json by
spec.py. Immutable: a change (update, rename) makes a new one.

The classes mirror doca.runtime.v1's messages field by field, by name
(tests/unit/test_model.py holds them together); the conversions are
generic, by those names and the fields' types, so that a new field is
declared here and in the proto, nowhere else. No protobuf import: the
messages are read and filled as plain objects."""
import dataclasses
import functools
import types
import typing

from common.resources import Resources


@dataclasses.dataclass(frozen=True)
class Mount:
    destination: str = ""
    type: str = ""
    source: str = ""
    options: tuple[str, ...] = ()
    volume: str = ""  # the named volume's name, for inspect


@dataclasses.dataclass(frozen=True)
class Rootfs:
    """An overlay of read-only image layers (top first) and a private upper."""
    lower_dirs: tuple[str, ...] = ()
    upper_dir: str = ""
    work_dir: str = ""
    readonly: bool = False
    mounts: tuple[Mount, ...] = ()  # how to mount it (PrepareSnapshot's); none in an older record


@dataclasses.dataclass(frozen=True)
class Process:
    args: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    cwd: str = ""
    user: str = ""  # "uid[:gid]" or a name from the image's /etc/passwd


@dataclasses.dataclass(frozen=True)
class WindowSize:
    rows: int = 0
    cols: int = 0


@dataclasses.dataclass(frozen=True)
class LogConfig:
    max_size: int = 0  # 0: the runtime's default rotation (create.py)
    max_file: int = 0
    driver: str = ""  # --log-driver: "" (json-file), "local", "none"


@dataclasses.dataclass(frozen=True)
class RestartPolicy:
    name: str = ""
    maximum_retry_count: int = 0


@dataclasses.dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...] = ()  # ["CMD", args...], ["CMD-SHELL", line] or ["NONE"]
    interval: int = 0  # nanoseconds; 0: Docker's defaults (health.py)
    timeout: int = 0
    start_period: int = 0
    retries: int = 0
    start_interval: int = 0  # ns between probes during the start period (0: interval)


@dataclasses.dataclass(frozen=True)
class UsernsRemap:
    uid_base: int = 0
    gid_base: int = 0
    size: int = 0  # 0: no user namespace


@dataclasses.dataclass(frozen=True)
class ContainerSpec:
    name: str = ""
    image: str = ""
    image_id: str = ""
    process: Process = Process()
    hostname: str = ""
    rootfs: Rootfs = Rootfs()
    mounts: tuple[Mount, ...] = ()
    resources: Resources = Resources()
    network_mode: str = ""
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    auto_remove: bool = False
    cmd: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] = ()
    stop_signal: str = ""
    stop_timeout: int | None = None  # None: the default (stop.py)
    restart_policy: RestartPolicy = RestartPolicy()
    tty: bool = False
    open_stdin: bool = False
    console_size: WindowSize = WindowSize()
    log: LogConfig = LogConfig()
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    privileged: bool = False
    security_opt: tuple[str, ...] = ()
    ulimits: tuple[str, ...] = ()
    healthcheck: Healthcheck = Healthcheck()
    init: bool = False
    runtime: str = ""  # "" = doca's own executor
    userns: UsernsRemap = UsernsRemap()
    cgroupns: str = ""
    config_env: tuple[str, ...] = ()  # Docker's Config.Env, for inspect
    group_add: tuple[str, ...] = ()
    domainname: str = ""
    sysctls: dict[str, str] = dataclasses.field(default_factory=dict)
    extra_hosts: tuple[str, ...] = ()  # as given, for inspect (the network service writes /etc/hosts)
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    publish_all: bool = False
    tmpfs: dict[str, str] = dataclasses.field(default_factory=dict)  # path -> options as given
    binds: tuple[str, ...] = ()  # -v as given, anonymous volumes left out (inspect's HostConfig.Binds)
    log_opts: dict[str, str] = dataclasses.field(default_factory=dict)
    detached: bool = False
    config_volumes: tuple[str, ...] = ()
    pid_mode: str = ""  # --pid, --ipc, --uts: "" or "host" (services/runtime/namespace_modes.py)
    ipc_mode: str = ""
    uts_mode: str = ""
    volumes_from: tuple[str, ...] = ()  # as given, for inspect
    exposed_ports: tuple[str, ...] = ()  # "80/tcp": the image's, --expose's, -p's (Config.ExposedPorts)
    annotations: dict[str, str] = dataclasses.field(default_factory=dict)  # --annotation: config.json's
    attach: tuple[str, ...] = ()  # -a as given, lower-cased (Config.Attach*)
    cgroup_parent: str = ""  # --cgroup-parent: "" is the engine's parent
    volume_driver: str = ""  # --volume-driver, --userns, --ip6, --link-local-ip: kept for inspect
    userns_mode: str = ""
    ip6: str = ""
    link_local_ips: tuple[str, ...] = ()
    mac_address: str = ""  # --mac-address, --link as given (inspect)
    links: tuple[str, ...] = ()
    network_default: bool = False  # no --network given: inspect's NetworkMode "default"
    cri_log_path: str = ""  # the CRI's log file (issue 14): the shim writes the CRI format there too
    # linux.maskedPaths/readonlyPaths instead of Docker's defaults when *_set
    # (services/runtime/security/system_paths.py)
    masked_paths: tuple[str, ...] = ()
    readonly_paths: tuple[str, ...] = ()
    masked_paths_set: bool = False
    readonly_paths_set: bool = False


# -- conversions, by field name -----------------------------------------------

SCALAR, OPTIONAL, NESTED, LIST, NESTED_LIST, MAP = range(6)


@functools.cache
def _plan(cls) -> tuple:
    """(name, JSON key, kind, scalar type or nested class) per field of cls."""
    out = []
    for name, hint in typing.get_type_hints(cls).items():
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if dataclasses.is_dataclass(hint):
            kind, sub = NESTED, hint
        elif origin is tuple:
            kind, sub = (NESTED_LIST if dataclasses.is_dataclass(args[0]) else LIST), args[0]
        elif origin is dict:
            kind, sub = MAP, None
        elif origin is types.UnionType:  # X | None: a proto3 `optional` scalar
            kind, sub = OPTIONAL, next(a for a in args if a is not type(None))
        else:
            kind, sub = SCALAR, hint
        out.append((name, _camel(name), kind, sub))
    return tuple(out)


def _camel(name: str) -> str:
    """protobuf's JSON name: lower_dirs -> lowerDirs."""
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def from_message(cls, msg):
    """A message of the API (or anything with the fields' names) as cls."""
    def read(name, key, kind):
        return None if kind == OPTIONAL and not msg.HasField(name) else getattr(msg, name)
    return _make(cls, read, from_message)


def to_message(obj, msg):
    """Fills the (empty) message `msg` from obj; returns it. Defaults are
    left unset, so a nested message with nothing set stays absent."""
    for name, _, kind, _ in _plan(type(obj)):
        value = getattr(obj, name)
        if kind == OPTIONAL:
            if value is not None:
                setattr(msg, name, value)
        elif not value:
            continue  # even an empty list's extend() would make a nested message present
        elif kind == SCALAR:
            setattr(msg, name, value)
        elif kind == NESTED:
            to_message(value, getattr(msg, name))
        elif kind == LIST:
            getattr(msg, name).extend(value)
        elif kind == NESTED_LIST:
            for v in value:
                to_message(v, getattr(msg, name).add())
        else:
            getattr(msg, name).update(value)
    return msg


def from_json(cls, data: dict):
    """The message's JSON form (json_format's, as records have always been
    written: int64 values may be strings) as cls."""
    return _make(cls, lambda name, key, kind: data.get(key, _ABSENT), from_json)


_ABSENT = object()  # a field the source leaves out: the class's default


def _make(cls, read, nested):
    """cls from what read(name, JSON key, kind) gives for each field (its
    scalars cast to the field's type); `nested` makes a nested class."""
    kw = {}
    for name, key, kind, sub in _plan(cls):
        value = read(name, key, kind)
        if value is _ABSENT:
            continue
        if kind == NESTED:
            value = nested(sub, value)
        elif kind == LIST:
            value = tuple(value)
        elif kind == NESTED_LIST:
            value = tuple(nested(sub, v) for v in value)
        elif kind == MAP:
            value = dict(value)
        elif value is not None:
            value = sub(value)
        kw[name] = value
    return cls(**kw)


def to_json(obj) -> dict:
    """obj as the message's JSON form, defaults left out (what from_json
    and json_format.ParseDict read)."""
    out = {}
    for name, key, kind, _ in _plan(type(obj)):
        value = getattr(obj, name)
        if kind == NESTED:
            value = to_json(value)
        elif kind == LIST or kind == NESTED_LIST:
            value = [to_json(v) for v in value] if kind == NESTED_LIST else list(value)
        elif kind == MAP:
            value = dict(value)
        elif kind == OPTIONAL:
            if value is not None:
                out[key] = value
            continue
        if value:
            out[key] = value
    return out


def changes(msg, cls) -> dict:
    """The fields of a message that are set (not zero), by name: what an
    update changes (a flat message, as Resources)."""
    return {name: value for name, _, _, _ in _plan(cls) if (value := getattr(msg, name))}
