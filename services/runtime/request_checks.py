"""What a runtime request names (files, mounts, users, signals), checked
at the servicer's door before the runtime writes anything; create.py and
the domain modules check the rest (limits, policies, security options)."""
from common import validate
from common.errors import InvalidArgument
from services.runtime.security import system_paths


def container_spec(spec) -> None:
    """What in a ContainerSpec names a file, a mount or a user, checked
    before the runtime writes anything (the rest: create.py's own checks)."""
    if spec.name:
        validate.container_name(spec.name)
    if spec.hostname:
        validate.hostname(spec.hostname)
    validate.user(spec.process.user)
    validate.workdir(spec.process.cwd)
    for d in [*spec.rootfs.lower_dirs, spec.rootfs.upper_dir, spec.rootfs.work_dir]:
        if d:  # joined into overlay's options (an older record's): ',' and ':' would add options or layers
            validate.host_path(d, "rootfs directory", forbid=",:")
    root_mounts(spec.rootfs.mounts)
    for m in spec.mounts:
        validate.destination(m.destination)
        if m.type in ("", "bind"):
            validate.absolute(m.source, "bind mount source")
    if spec.stop_signal:
        signal_name(spec.stop_signal)
    system_paths.check(spec)
    for opt in spec.security_opt:
        validate.seccomp_option(opt)  # a profile's content, never a path the runtime would read
    if spec.log.max_size < 0 or spec.log.max_file < 0:
        raise InvalidArgument("invalid log options: max-size and max-file cannot be negative")
    if spec.restart_policy.maximum_retry_count < 0:
        raise InvalidArgument("invalid restart policy: the maximum retry count cannot be negative")


# The root mount's options the shim understands (overlay_linux.py, and
# userns_linux.py, which idmaps each lowerdir): each a host directory.
ROOT_OPTIONS = ("lowerdir", "upperdir", "workdir")


def root_mounts(mounts) -> None:
    """The root's mount as the images service describes it (one overlay),
    checked before the shim joins its options with ',' (a ',' in a value
    would add an option, a ':' in a layer's path a layer)."""
    if len(mounts) > 1:
        raise InvalidArgument(f"the container's root is one mount, not {len(mounts)}")
    for m in mounts:
        if m.type != "overlay":
            raise InvalidArgument(f"unsupported root mount type {validate.shown(m.type)}: use overlay")
        validate.word(m.source, "root mount source")
        for opt in m.options:
            key, sep, value = opt.partition("=")
            if not sep or key not in ROOT_OPTIONS:
                raise InvalidArgument(f"unsupported root mount option {validate.shown(opt)}: use "
                                      f"{', '.join(k + '=' for k in ROOT_OPTIONS)}")
            for d in value.split(":") if key == "lowerdir" else [value]:
                validate.host_path(d, "rootfs directory", forbid=",:")


def signal_name(text: str) -> str:
    """KILL, SIGKILL, 9: ASCII only ('²' passes str.isdigit, not int)."""
    validate.text(text, "signal", 32)
    if not text.isascii():
        raise InvalidArgument(f"invalid signal: {validate.shown(text)}")
    return text


def container_path(path: str) -> str:
    """A path in the container (docker cp): resolved in its root by copy.py."""
    return validate.text(path, "path", validate.PATH_MAX)
