"""The container's root mount, as its record says: the mount the images
service described (rootfs.mounts, passed on by the gateway), given to the
shim as it is (overlay_linux.py mounts it). A record made before the
description has only the snapshot's directories: their overlay, as the
images service would describe it."""
from common import overlay_mount


def of(rootfs) -> dict:
    """`rootfs`: the spec's Rootfs (model.py)."""
    if rootfs.mounts:  # one (request_checks.container_spec)
        m = rootfs.mounts[0]
        return {"type": m.type, "source": m.source, "options": list(m.options)}
    return overlay_mount.overlay(list(rootfs.lower_dirs), rootfs.upper_dir, rootfs.work_dir)
