"""Container snapshots: each container's private upper and work directories
over its image's shared layers, and a record of which image it uses (which
is what stops that image from being removed).

    <root>/<container id>/upper          the container's writes
    <root>/<container id>/work           overlayfs scratch space
    <root>/<container id>/snapshot.json  image id, chain ids, creation time

The record is written after the directories and removed after them: a
directory without a record is an interrupted Prepare (removed at start); a
record whose directories are half gone is an interrupted Remove (the next
Remove finishes it). Nothing here mounts anything: the runtime mounts what
described() says (common/overlay_mount.py).
"""
import errno
import os
import pathlib
import re
import shutil
import time

from common import atomic, dirspread, overlay_mount
from common.errors import FailedPrecondition, InvalidArgument

RECORD = "snapshot.json"
# Docker's container ids (64 hex) and anything name-like: one path component.
CONTAINER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def check_container_id(container_id: str) -> str:
    if not CONTAINER_ID_RE.fullmatch(container_id or ""):
        raise InvalidArgument(f"invalid container id {container_id!r}: use letters, digits, "
                              "'_', '.' or '-' (up to 128), starting with a letter or digit")
    return container_id


def described(rec: dict, lower_dirs: list[str]) -> dict:
    """A snapshot as PrepareSnapshot answers it: its directories, for
    readers, and the mount of the container's root. `lower_dirs`: the
    image's layers, top first."""
    return {"container_id": rec["container_id"], "image_id": rec["image_id"], "lower_dirs": lower_dirs,
            "upper_dir": rec["upper_dir"], "work_dir": rec["work_dir"],
            "mounts": [overlay_mount.overlay(lower_dirs, rec["upper_dir"], rec["work_dir"])]}


class SnapshotStore:
    def __init__(self, root: pathlib.Path):
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        dirspread.spread_subdirs(self.root)  # one per container: see common/dirspread.py
        for d in self.root.iterdir():
            if not d.is_dir() or d.is_symlink():
                d.unlink()
                continue
            atomic.remove_temporaries(d)
            if not (d / RECORD).exists():
                shutil.rmtree(d, ignore_errors=True)

    def _dir(self, container_id: str) -> pathlib.Path:
        return self.root / check_container_id(container_id)

    def get(self, container_id: str) -> dict | None:
        rec = atomic.read_json(self._dir(container_id) / RECORD)
        if rec is not None:
            rec.update(self._paths(container_id))
        return rec

    def _paths(self, container_id: str) -> dict:
        d = self._dir(container_id)
        return {"upper_dir": str(d / "upper"), "work_dir": str(d / "work")}

    def all(self) -> list[dict]:
        out = []
        for d in sorted(self.root.iterdir()):
            rec = atomic.read_json(d / RECORD)
            if rec is not None:
                rec.update(self._paths(d.name))
                out.append(rec)
        return out

    def users_of(self, image_id: str) -> list[str]:
        return [r["container_id"] for r in self.all() if r.get("image_id") == image_id]

    def create(self, container_id: str, image_id: str, chain_ids: list[str]) -> dict:
        d = self._dir(container_id)
        d.mkdir(mode=0o700, exist_ok=True)
        (d / "upper").mkdir(mode=0o755, exist_ok=True)
        (d / "work").mkdir(mode=0o700, exist_ok=True)
        atomic.write_json(d / RECORD, {"container_id": container_id, "image_id": image_id,
                                       "chain_ids": chain_ids, "created": time.time()})
        return self.get(container_id)

    def remove(self, container_id: str) -> None:
        d = self._dir(container_id)
        for sub in ("upper", "work"):
            try:
                shutil.rmtree(d / sub)
            except FileNotFoundError:
                pass
            except OSError as exc:
                if exc.errno == errno.EBUSY:
                    raise FailedPrecondition(
                        f"snapshot of container {container_id[:12]} is still mounted "
                        f"({exc.filename}); stop the container first") from None
                raise
        try:
            (d / RECORD).unlink()
        except FileNotFoundError:
            pass
        try:
            os.rmdir(d)
        except FileNotFoundError:
            pass
        except OSError:
            shutil.rmtree(d, ignore_errors=True)  # stray temporaries
