"""The container's root mount, as its record says: the mount the images
service described (rootfs.mounts, passed on by the gateway), given to the
shim as it is (overlay_linux.py mounts it). A record made before the
description has only the snapshot's directories: their overlay, as the
images service would describe it."""
from common import overlay_mount


def of(rootfs: dict) -> dict:
    """`rootfs`: the spec's Rootfs as stored (json_format's field names)."""
    mounts = rootfs.get("mounts")
    if mounts:  # one (request_checks.container_spec)
        m = mounts[0]
        return {"type": m["type"], "source": m.get("source", ""), "options": list(m.get("options", ()))}
    return overlay_mount.overlay(rootfs["lowerDirs"], rootfs["upperDir"], rootfs["workDir"])
