"""docker run --mount: type=bind|volume|tmpfs with Docker's keys, made into
what -v and --tmpfs make (a VolumeSpec, a tmpfs Mount), so that the rest of
create is the same. Refused with Docker's words: its CLI's for what it
cannot read (a missing target, an unknown key), its daemon's for the rest
(a bind whose source does not exist: unlike -v, --mount never makes it)."""
import os

from common import units, validate
from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api.spec import PROPAGATIONS, VolumeSpec

_TRUE, _FALSE = ("", "1", "true"), ("0", "false")
_KEYS = {"type", "source", "src", "target", "destination", "dst", "readonly", "ro", "consistency",
         "bind-propagation", "bind-nonrecursive", "volume-driver", "volume-label", "volume-nocopy", "volume-opt",
         "tmpfs-size", "tmpfs-mode"}


def _usage(text: str, problem: str) -> InvalidArgument:
    return InvalidArgument(f'invalid argument "{validate.cut(text)}" for "--mount" flag: {problem}')


def _config(kind: str, problem: str) -> InvalidArgument:
    return InvalidArgument(f'invalid mount config for type "{kind}": {problem}')


def _fields(text: str) -> dict:
    out: dict = {}
    for field in text.split(","):
        key, sep, value = field.partition("=")
        key = key.strip().lower()
        if key not in _KEYS:
            raise _usage(text, f"unexpected key '{key}' in '{field}'")
        if not sep and key not in ("readonly", "ro", "volume-nocopy", "bind-nonrecursive"):
            raise _usage(text, f"invalid field '{field}' must be a key=value pair")
        if sep and key in ("readonly", "ro", "volume-nocopy", "bind-nonrecursive") and \
                value.lower() not in _TRUE + _FALSE:
            raise _usage(text, f"invalid value for {key}: {value}")
        out.setdefault(key, []).append(value)
    return out


def _one(fields: dict, *names: str) -> str:
    for name in names:
        if name in fields:
            return fields[name][-1]
    return ""


def _flag(fields: dict, *names: str) -> bool:
    value = _one(fields, *names) if any(n in fields for n in names) else None
    return value is not None and value.lower() in _TRUE


def parse(text: str) -> VolumeSpec | rpb.Mount:
    """One --mount value: a VolumeSpec (bind or volume) or a tmpfs Mount."""
    validate.text(text, "--mount", validate.PATH_MAX * 2)
    fields = _fields(text)
    kind = _one(fields, "type") or "volume"
    source = _one(fields, "source", "src")
    target = _one(fields, "target", "destination", "dst")
    if not target:
        raise _usage(text, "target is required")
    if kind not in ("bind", "volume", "tmpfs"):
        raise _config(kind, "mount type unknown")
    problem = validate.destination_problem(target)
    if problem:
        raise _config(kind, problem)
    read_only = _flag(fields, "readonly", "ro")
    mixed = [k for k in fields if k.startswith(("bind-", "volume-", "tmpfs-")) and not k.startswith(kind + "-")]
    if mixed:
        raise _config(kind, f"cannot mix '{mixed[0]}' options with mount type '{kind}'")
    if kind == "tmpfs":
        if source:
            raise _config(kind, "field Source must not be specified")
        return _tmpfs(fields, target, read_only)
    if kind == "bind":
        if not source:
            raise _config(kind, "field Source must not be empty")
        if not source.startswith("/"):
            raise _config(kind, f"invalid mount path: '{source}' mount path must be absolute")
        propagation = _one(fields, "bind-propagation")
        if propagation and propagation not in PROPAGATIONS:
            raise _config(kind, f"invalid propagation mode: {propagation}")
        if not os.path.exists(source):
            raise _config(kind, f"bind source path does not exist: {source}")
        return VolumeSpec(source, target, read_only, propagation=propagation)
    if source.startswith("/"):  # Docker's daemon takes it for a volume's name
        raise InvalidArgument(f'create {source}: "{source}" includes invalid characters for a local volume name, '
                              'only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host '
                              "directory, use absolute path")
    if source:
        validate.volume_name(source)
    driver = _one(fields, "volume-driver")
    if driver not in ("", "local"):
        raise InvalidArgument(f'error looking up volume plugin {driver}: plugin "{driver}" not found')
    return VolumeSpec(source, target, read_only, copy=not _flag(fields, "volume-nocopy"),
                      labels=_pairs(fields, "volume-label"), options=_pairs(fields, "volume-opt"))


def _pairs(fields: dict, name: str) -> tuple:
    """volume-label=K=V given again and again, as (K, V) pairs (K alone: V is "", as Docker's CLI)."""
    return tuple(dict(v.partition("=")[::2] for v in fields.get(name, ())).items())


def _tmpfs(fields: dict, target: str, read_only: bool) -> rpb.Mount:
    """Docker's tmpfs: nosuid,nodev,noexec; tmpfs-size in bytes (units
    allowed), tmpfs-mode octal."""
    options = ["ro" if read_only else "rw", "noexec", "nosuid", "nodev", "rprivate"]
    size = _one(fields, "tmpfs-size")
    if size:
        options.append(f"size={units.parse_size(size, 'tmpfs-size') // 1024}k")
    mode = _one(fields, "tmpfs-mode")
    if mode:
        try:
            options.append(f"mode={int(mode, 8):o}")
        except ValueError:
            raise InvalidArgument(f'invalid argument "{validate.cut(mode, 40)}" for "--mount" flag: '
                                  f'strconv.ParseUint: parsing "{validate.cut(mode, 40)}": invalid syntax') from None
    return rpb.Mount(destination=target, type="tmpfs", source="tmpfs", options=options)


def split(values) -> tuple[list[VolumeSpec], list[rpb.Mount]]:
    """Every --mount: (the binds and volumes, the tmpfs mounts)."""
    volumes, tmpfs = [], []
    for text in values:
        made = parse(text)
        (tmpfs if isinstance(made, rpb.Mount) else volumes).append(made)
    return volumes, tmpfs
