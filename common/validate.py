"""The one rule per kind of value that reaches a service from outside: ids,
names, references, paths, users (and the integer ranges of the fields
numbers travel in). The gateway and every servicer
check what they are given here, at their boundary, before anything touches
the disk or the kernel: an id names a directory, a name a file, a path a
mount. Each failure is an InvalidArgument with one line a person can act
on (the value quoted, escaped and cut short; what is allowed).

Patterns are matched whole (re.fullmatch): `re.match` with `$` accepts a
trailing newline, which would then name a file or land in /etc/hosts.
No grpc or protobuf import: services, the gateway and tests use it cheaply.
"""
import posixpath
import re

from common.errors import InvalidArgument

INT32 = (-(1 << 31), (1 << 31) - 1)
INT64 = (-(1 << 63), (1 << 63) - 1)
NAME_MAX = 255    # a file name (ext4, tmpfs): volume names, container names
PATH_MAX = 4096   # Linux's PATH_MAX: any path, in the container or on the host
HOST_NAME_MAX = 64  # sethostname(2) refuses more (EINVAL)
ID_MAX = 128      # a key that names a directory (container ids as services see them)
REF_MAX = 255     # what a user may type to name a container, volume or network
IMAGE_REF_MAX = 512  # NAME[:TAG][@DIGEST]: Docker caps the name at 255, a tag at 128
ID_MAX_UGID = 2147483647  # Docker's (runc's) range for numeric uids and gids

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_FULL_ID = re.compile(r"[0-9a-f]{64}")
_DOCKER_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")  # containers and volumes, as Docker's daemon
_HOSTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # RFC 1123 labels, and '_' as Docker's names have
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def digits(value: str) -> bool:
    """0-9 only: str.isdigit() also takes '²' and '٣', which int() refuses."""
    return value.isascii() and value.isdigit()


def cut(value: str, limit: int = 200) -> str:
    """For messages that quote a value as Docker's do ('...'): a long one cut."""
    return value if len(value) <= limit else value[:limit] + "..."


def shown(value, limit: int = 60) -> str:
    """A value as an error quotes it: escaped (a NUL, a newline show as
    \\x00, \\n) and cut to `limit` characters, so a 300-character name or
    a whole file does not flood the one line."""
    text = str(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"... ({len(text)} characters)"
    return repr(text)


def text(value, what: str, max_len: int = NAME_MAX, *, controls: bool = False) -> str:
    """Any string field: no NUL byte (the kernel cuts a C string there, so
    the engine would act on another value than the one it checked), no
    control character unless `controls`, at most `max_len` characters."""
    if not isinstance(value, str):
        raise InvalidArgument(f"invalid {what}: text expected, got {type(value).__name__}")
    if "\x00" in value:
        raise InvalidArgument(f"invalid {what} {shown(value)}: it contains a NUL byte")
    if not controls and _CONTROL.search(value):
        raise InvalidArgument(f"invalid {what} {shown(value)}: it contains a control character")
    if len(value) > max_len:
        raise InvalidArgument(f"invalid {what} {shown(value)}: at most {max_len} characters")
    return value


def key(value, what: str = "container id") -> str:
    """An id that names a file or directory in a service's state: one path
    component ('..', '/', a newline can never be one)."""
    text(value, what, ID_MAX)
    if not _KEY.fullmatch(value):
        raise InvalidArgument(f"invalid {what} {shown(value)}: letters, digits, '_', '.' and '-' only, "
                              f"starting with a letter or digit (at most {ID_MAX})")
    return value


def full_id(value, what: str = "container id") -> str:
    """The engine's own ids: 64 lowercase hex digits."""
    text(value, what, 64)
    if not _FULL_ID.fullmatch(value):
        raise InvalidArgument(f"invalid {what} {shown(value)}: 64 lowercase hex digits expected")
    return value


def ref(value, what: str = "container", max_len: int = REF_MAX) -> str:
    """What a user types to find something (a name, an id, an id prefix): it
    is only looked up, never a file name, so any printable text may simply
    not be found; but no NUL, no control character, nothing over-long."""
    return text(value, f"{what} reference" if what else "reference", max_len)


def image_ref(value, what: str = "image reference") -> str:
    """NAME[:TAG][@DIGEST] or an image id: its grammar is the images
    service's (reference.py); here what no reference can hold, the
    lengths included (Docker's: a name of 255, a tag of 128), so no error
    downstream quotes a screenful."""
    text(value, what, IMAGE_REF_MAX)
    name = value.split("@", 1)[0]
    colon = name.rfind(":")
    tag = ""
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1:]
    if len(name) > 255:
        raise InvalidArgument(f"invalid {what} {shown(value)}: repository name longer than 255 characters")
    if len(tag) > 128:
        raise InvalidArgument(f"invalid {what} {shown(value)}: tag longer than 128 characters")
    return value


def container_name(value) -> str:
    """Docker's rule for container names (a leading '/' allowed)."""
    text(value, "container name", NAME_MAX + 1)
    if not _DOCKER_NAME.fullmatch(value[1:] if value.startswith("/") else value):
        raise InvalidArgument(f"Invalid container name ({value}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
    return value


def volume_name(value) -> str:
    """Docker's rule for local volume names; the name is a directory."""
    text(value, "volume name", NAME_MAX)
    if not _DOCKER_NAME.fullmatch(value):
        raise InvalidArgument(f"invalid volume name {shown(value)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, "
                              "at least 2 characters (for a host directory, give an absolute path)")
    return value


def hostname(value, what: str = "hostname") -> str:
    """A hostname, a network alias, an --add-host name: one word of letters,
    digits, '.', '-', '_' (it is a word of /etc/hosts, and the argument of
    sethostname, which takes at most 64 bytes)."""
    text(value, what, HOST_NAME_MAX)
    if not _HOSTNAME.fullmatch(value):
        raise InvalidArgument(f"invalid {what} {shown(value)}: letters, digits, '.', '-' and '_' only, "
                              "starting with a letter or digit")
    return value


def word(value, what: str, max_len: int = NAME_MAX) -> str:
    """One word of a generated file (a search domain, a resolver option)."""
    text(value, what, max_len)
    if not value or _SPACE_OR_CONTROL.search(value):
        raise InvalidArgument(f"invalid {what} {shown(value)}: one word, no spaces or control characters")
    return value


def user(value, what: str = "user") -> str:
    """'name', 'uid', 'name:group' or 'uid:gid' (empty: the image's)."""
    text(value, what)
    for part in value.split(":", 1):
        if part.isdigit() and not digits(part):
            raise InvalidArgument(f"invalid {what} {shown(value)}: numeric ids are written with 0-9")
        if digits(part) and int(part) > ID_MAX_UGID:
            raise InvalidArgument(f"invalid {what} {shown(value)}: uids and gids must be in range 0-{ID_MAX_UGID}")
        if _SPACE_OR_CONTROL.search(part):
            raise InvalidArgument(f"invalid {what} {shown(value)}: no spaces or control characters")
    return value


def absolute(value, what: str) -> str:
    """A path inside the container that must be absolute (a mount point, a
    working directory as the runtime gets it)."""
    text(value, what, PATH_MAX)
    if not value.startswith("/"):
        raise InvalidArgument(f"invalid {what} {shown(value)}: an absolute path is required")
    return value


def destination_problem(dest: str) -> str | None:
    """What is wrong with a mount destination, in Docker's words, or None.
    '..' is resolved lexically first, as Docker does: /x/.. is /."""
    if _CONTROL.search(dest):  # a NUL, a newline: never in a mount point, never in the one line
        return f"invalid mount path: {shown(dest)} contains a control character"
    if len(dest) > PATH_MAX:
        return f"invalid mount path: {shown(dest)} is longer than {PATH_MAX} characters"
    if not dest.startswith("/"):
        return f"invalid mount path: '{cut(dest)}' mount path must be absolute"
    if posixpath.normpath(dest) in ("/", "//"):
        return "invalid specification: destination can't be '/'"
    return None


def destination(value, what: str = "mount") -> str:
    problem = destination_problem(text(value, f"{what} destination", PATH_MAX))
    if problem:
        raise InvalidArgument(f"invalid {what}: {problem}")
    return value


def workdir(value, where: str = "") -> str:
    """A working directory: absolute (empty: the default), Docker's message."""
    text(value, "working directory", PATH_MAX)
    if value and not value.startswith("/"):
        raise InvalidArgument(f"the working directory '{cut(value)}' is invalid, it needs to be an absolute "
                              f"path{where}")
    return value


def host_path(value, what: str, forbid: str = "") -> str:
    """A path on the engine's host that a service is handed (an image
    layer's directory): absolute and lexically clean (no '.' or '..'
    component to climb out of where it was made), none of `forbid` (',' and
    ':' separate overlay options and layers)."""
    text(value, what, PATH_MAX)
    if not value.startswith("/") or posixpath.normpath(value) != (value.rstrip("/") or "/"):
        raise InvalidArgument(f"invalid {what} {shown(value)}: an absolute path without '.' or '..' parts")
    bad = [c for c in forbid if c in value]
    if bad:
        raise InvalidArgument(f"invalid {what} {shown(value)}: it may not contain {bad[0]!r}")
    return value


def seccomp_option(opt: str) -> str:
    """--security-opt seccomp=...: 'unconfined', 'builtin', or the profile's
    JSON itself, which the client read (as Docker's CLI does). Never a path:
    the engine reads no file a client names, and so can echo none back."""
    key_, sep, value = opt.partition("=")
    if not sep:
        key_, sep, value = opt.partition(":")
    if key_.strip() != "seccomp" or not sep:
        return opt
    value = value.strip()
    if value in ("unconfined", "builtin") or value.startswith("{"):
        return opt
    raise InvalidArgument(f"invalid --security-opt {shown(opt, 60)}: the engine takes a seccomp profile's JSON "
                          "content, not a file path (the doca CLI reads FILE and sends its content)")
