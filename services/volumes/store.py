"""Named volumes on disk: <root>/<name>/_data holds the data, meta.json the
name, labels, creation time and the containers using the volume."""
import logging
import os
import pathlib
import shutil
import threading
import time

from common import atomic, crashpoints, dirspread, validate
from common.errors import DocaError, FailedPrecondition, NotFound, is_no_space, note_data_root
from common.unwritten import Unwritten
from services.volumes import local_mount, populate

log = logging.getLogger("doca.volumes.store")
REMOVING = ".removing-"  # a volume being deleted: renamed first, so a crash cannot leave it half listed


def _valid(name: str) -> bool:
    """Docker's rule for volume names (common.validate), matched whole: a
    name is a directory here, and 'x\n' or '../x' must never be one."""
    try:
        validate.volume_name(name)
    except DocaError:
        return False
    return True


def _drop_unfinished_create(d: pathlib.Path) -> None:
    """A directory without meta.json is a create a crash cut short (its
    record is written last): removed if nothing was put in it."""
    try:
        (d / "_data").rmdir()
        d.rmdir()
    except FileNotFoundError:
        pass
    except OSError as e:
        log.warning("volume directory %s has data but no record: left as it is (%s)", d, e)


class VolumeStore:
    def __init__(self, root: pathlib.Path):
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        note_data_root(self.root, "the volumes store")  # named by a full disk's error
        dirspread.spread_subdirs(self.root)  # anonymous ones come and go with containers: common/dirspread.py
        self._lock = threading.Lock()
        # volume name -> containers released while the disk was full: not in
        # meta.json yet, left out of used_by until it is written (see release).
        self._released: dict[str, set[str]] = {}
        self._unwritten = Unwritten("the volumes store", self._lock)  # their writes, when there is room
        for d in self.root.iterdir():
            if d.name.startswith(REMOVING):  # a remove a crash cut short
                shutil.rmtree(d, ignore_errors=True)
            elif d.is_dir() and not d.is_symlink():
                atomic.remove_temporaries(d)
                if not (d / "meta.json").exists():
                    _drop_unfinished_create(d)

    def _meta_path(self, name: str) -> pathlib.Path:
        return self.root / name / "meta.json"

    def _load(self, name: str) -> dict:
        meta = atomic.read_json(self._meta_path(name)) if _valid(name) else None
        if meta is None:
            raise NotFound(f"no such volume: {name}")
        gone = self._released.get(name)
        if gone:
            meta["used_by"] = [c for c in meta.get("used_by", []) if c not in gone]
        meta["mountpoint"] = str(self.root / name / "_data")
        return meta

    def _save(self, meta: dict) -> None:
        stored = {k: v for k, v in meta.items() if k != "mountpoint"}
        atomic.write_json(self._meta_path(meta["name"]), stored)
        self._released.pop(meta["name"], None)  # its used_by is as loaded: without them
        self._unwritten.discard(meta["name"])

    def _write_back(self, name: str) -> None:
        """A volume's users as a full disk held them back (common/unwritten.py)."""
        try:
            self._save(self._load(name))
        except NotFound:
            self._released.pop(name, None)

    def _write_unwritten(self) -> None:
        """Writes the releases a full disk held back, while there is room
        (at each create, list, acquire, release and remove, and every few
        seconds: a no-op when there are none)."""
        self._unwritten.flush()

    def _create_locked(self, name: str, labels: dict, options: dict | None = None, declared: bool = False) -> dict:
        if not name:
            name = os.urandom(32).hex()
        validate.volume_name(name)
        local_mount.check(name, options or {})
        try:
            return self._load(name)  # like Docker: creating an existing volume returns it
        except NotFound:
            pass
        try:
            (self.root / name / "_data").mkdir(parents=True, exist_ok=True)
            crashpoints.reached("volumes.create.dir")
            meta = {"name": name, "driver": "local", "created_at": time.time(),
                    "labels": dict(labels), "used_by": [], **({"options": dict(options)} if options else {}),
                    **({"declared": True} if declared else {})}
            self._save(meta)
        except BaseException:
            # Not recorded (a full disk): nothing of the volume stays.
            for d in (self.root / name / "_data", self.root / name):
                try:
                    d.rmdir()
                except OSError:
                    pass
            raise
        return self._load(name)

    def create(self, name: str, labels: dict | None = None, options: dict | None = None,
               declared: bool = False) -> dict:
        """`options`: the local driver's (local_mount.py), mounted at first use;
        `declared`: `volume create` made it (its empty labels and options show as {})."""
        with self._lock:
            self._write_unwritten()
            return self._create_locked(name, labels or {}, options, declared)

    def get(self, name: str) -> dict:
        with self._lock:
            return self._load(name)

    def list(self) -> list[dict]:
        with self._lock:
            self._write_unwritten()
            out = []
            for d in sorted(self.root.iterdir()):
                if (d / "meta.json").exists():
                    out.append(self._load(d.name))
            return out

    def remove(self, name: str, force: bool = False) -> None:
        with self._lock:
            self._write_unwritten()
            meta = self._load(name)
            if meta["used_by"] and not force:
                # Docker's daemon's words: the users' full ids
                raise FailedPrecondition(f"remove {name}: volume is in use - [{', '.join(meta['used_by'])}]")
            local_mount.unmount(meta["mountpoint"])  # what a device holds is not the volume's to delete
            # Renamed out of the listing first (one step): a crash mid-way
            # leaves no half-listed volume, and the next start deletes the rest.
            gone = self.root / f"{REMOVING}{name}-{os.urandom(4).hex()}"
            os.rename(self.root / name, gone)
            self._released.pop(name, None)
            self._unwritten.discard(name)
            crashpoints.reached("volumes.remove.data")
            shutil.rmtree(gone, ignore_errors=True)

    def acquire(self, name: str, container_id: str, image_layers=(), path: str = "") -> dict:
        """Records the use, creating the volume when missing; an empty one
        first gets the image's content at `path` (populate.py). Under the
        lock: two containers taking one fresh volume copy it once."""
        with self._lock:
            meta = self._create_locked(name, {})
            local_mount.mount(name, meta["mountpoint"], meta.get("options", {}))  # its first use
            if image_layers and path:
                populate.populate(meta["mountpoint"], list(image_layers), path)
            if container_id not in meta["used_by"]:
                meta["used_by"].append(container_id)
                self._save(meta)
                crashpoints.reached("volumes.acquire.recorded")
            self._write_unwritten()
            return meta

    def release(self, container_id: str) -> None:
        """A removal frees space and must not need it: on a full disk the
        release is kept in memory (the volume is free for `volume rm`
        at once) and written by the next write of the store that has room.
        Only a volumes service restarted while the disk is still full reads
        the container as a user again."""
        with self._lock:
            for d in self.root.iterdir():
                on_disk = atomic.read_json(d / "meta.json")
                if not on_disk or container_id not in on_disk.get("used_by", []):
                    continue
                try:
                    meta = self._load(d.name)  # without the releases not written yet
                except NotFound:
                    continue
                if container_id in meta["used_by"]:
                    meta["used_by"].remove(container_id)
                if not meta["used_by"] and local_mount.wanted(meta.get("options", {})):
                    local_mount.unmount(meta["mountpoint"])  # mounted again at its next use, as Docker's
                try:
                    self._save(meta)
                except OSError as e:
                    if not is_no_space(e):
                        raise
                    log.info("volume %s: the release of %s waits for space to be written", d.name, container_id[:12])
                    self._released.setdefault(d.name, set()).add(container_id)
                    self._unwritten.keep(d.name, lambda name=d.name: self._write_back(name), e)
            self._write_unwritten()
