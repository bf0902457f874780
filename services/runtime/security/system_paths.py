"""Masked and read-only paths given per container (the CRI's
LinuxContainerSecurityContext.masked_paths/readonly_paths, the Engine API's
HostConfig.MaskedPaths/ReadonlyPaths): they replace Docker's default lists
in config.json, where doca's init (rootfs_linux.mask_paths/readonly_paths)
and runc/crun read them. --privileged clears both whatever is given, as
Docker's and containerd's do."""
from common import validate


def check(spec) -> None:
    """At the runtime's door: absolute paths only (the init mounts over them
    after the pivot, inside the container)."""
    for path in (*spec.masked_paths, *spec.readonly_paths):
        validate.absolute(path, "masked or read-only path")


def apply(config: dict, spec, privileged: bool) -> None:
    """After options.apply_to_config (which holds the defaults, emptied by
    --privileged or systempaths=unconfined)."""
    if privileged:
        return
    linux = config.setdefault("linux", {})
    if spec.masked_paths_set:
        linux["maskedPaths"] = list(spec.masked_paths)
    if spec.readonly_paths_set:
        linux["readonlyPaths"] = list(spec.readonly_paths)
