"""docker diff: what the container changed, read from its overlay upper
directory against the image's layers (lower dirs, top first).

An entry of the upper dir is "A" when the image lacks it, else "C"; an
overlay whiteout (a 0/0 character device) is "D", and an opaque directory
deletes whatever the image had under it. Mount points the runtime made
for the container (an empty file or directory the image lacks, e.g. for a
volume or /etc/hosts) are not the container's changes and are left out,
as is a directory of the image whose only changes are such mount points."""
import json
import os
import stat

from common.overlayfs import is_opaque, is_whiteout
from services.runtime.state import RuntimeState
from services.runtime.store import Record

MODIFIED, ADDED, DELETED = 0, 1, 2
# Made by the runtime when the image lacks them (the container's /proc, /dev, /sys).
RUNTIME_DIRS = ("/proc", "/dev", "/sys")


def in_image(lowers: list[str], rel: str) -> os.stat_result | None:
    """The image's entry at `rel` ("a/b"), honouring the lower layers' own
    whiteouts and opaque directories."""
    parts = rel.split("/")
    for layer in lowers:
        hidden = False
        for i in range(1, len(parts)):  # an opaque parent in this layer hides the layers below
            if is_opaque(os.path.join(layer, *parts[:i])):
                hidden = True
                break
        try:
            st = os.lstat(os.path.join(layer, rel))
        except OSError:
            if hidden:
                return None
            continue
        return None if is_whiteout(st) else st
    return None


def _listing(lowers: list[str], rel: str) -> set[str]:
    """Names the image has in directory `rel`."""
    names: set[str] = set()
    for layer in reversed(lowers):
        d = os.path.join(layer, rel) if rel else layer
        try:
            entries = os.listdir(d)
        except OSError:
            continue
        if is_opaque(d):
            names = set()
        for name in entries:
            child = os.path.join(d, name)
            if is_whiteout(os.lstat(child)):
                names.discard(name)
            else:
                names.add(name)
    return names


def _empty(st: os.stat_result, path: str) -> bool:
    return (stat.S_ISDIR(st.st_mode) and not os.listdir(path)) or (stat.S_ISREG(st.st_mode) and st.st_size == 0)


def changes(upper: str, lowers: list[str], mount_points: set[str],
            id_base: tuple[int, int] = (0, 0)) -> list[tuple[str, int]]:
    """(path, kind) in Docker's walk order (a directory before its entries).
    `id_base`: the host uid/gid of the container's root (--userns-remap),
    which the upper dir's copies of the image's entries carry."""
    out: list[tuple[str, int]] = []

    def same_meta(up: os.stat_result, image: os.stat_result) -> bool:
        return (up.st_mode, up.st_uid, up.st_gid) in (
            (image.st_mode, image.st_uid, image.st_gid),
            (image.st_mode, image.st_uid + id_base[0], image.st_gid + id_base[1]))

    def walk(rel: str) -> bool:
        """Adds the changes under directory `rel`; True when any was added."""
        d = os.path.join(upper, rel) if rel else upper
        found = False
        names = sorted(os.listdir(d))
        if rel and is_opaque(d):
            for gone in sorted(_listing(lowers, rel) - set(names)):
                out.append((f"/{rel}/{gone}", DELETED))
                found = True
        for name in names:
            child_rel = f"{rel}/{name}" if rel else name
            path = os.path.join(d, name)
            st = os.lstat(path)
            if is_whiteout(st):
                if in_image(lowers, child_rel) is not None:
                    out.append(("/" + child_rel, DELETED))
                    found = True
                continue
            before = in_image(lowers, child_rel)
            at = len(out)
            inner = walk(child_rel) if stat.S_ISDIR(st.st_mode) else False
            if before is None:
                if "/" + child_rel in mount_points and _empty(st, path):
                    continue
                if not inner and stat.S_ISDIR(st.st_mode) and _made_for_mounts(child_rel, mount_points):
                    continue
                out.insert(at, ("/" + child_rel, ADDED))
                found = True
            elif inner or not stat.S_ISDIR(st.st_mode) or not same_meta(st, before):
                out.insert(at, ("/" + child_rel, MODIFIED))
                found = True
        return found

    walk("")
    return out


def _made_for_mounts(rel: str, mount_points: set[str]) -> bool:
    """A directory the image lacks, on the way to a runtime mount point."""
    prefix = "/" + rel + "/"
    return any(m.startswith(prefix) for m in mount_points)


class DiffMixin(RuntimeState):
    def diff(self, ref: str) -> list[tuple[str, int]]:
        rec: Record = self.get(ref)
        rootfs = rec.spec.rootfs
        try:
            with open(self.store.dir(rec.id) / "bundle" / "config.json") as f:
                mounts = json.load(f).get("mounts", [])
        except FileNotFoundError:  # run-time files lost (a reboot): the record's own mounts
            mounts = [{"destination": m.destination} for m in rec.spec.mounts]
        mount_points = {os.path.normpath("/" + m["destination"].lstrip("/")) for m in mounts} | set(RUNTIME_DIRS)
        id_base = (rec.spec.userns.uid_base, rec.spec.userns.gid_base)
        return changes(rootfs.upper_dir, list(rootfs.lower_dirs), mount_points, id_base)
