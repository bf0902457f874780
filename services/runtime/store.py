"""Container records: <state>/containers/<id>/container.json (with the
container's log beside it), plus lookups by id, unique id prefix or name.
The run-time files (bundle, the shim's inputs, init.pid, exit.json,
attach.sock) are in dir(id), under the runtime's volatile dir
(volatile.py): derived from the record, written again when lost."""
import dataclasses
import logging
import os
import pathlib
import re
import shutil
import threading

from common import atomic, dirspread
from common.errors import AlreadyExists, InvalidArgument, NotFound, is_no_space, note_data_root
from common.unwritten import Unwritten
from services.runtime import model

log = logging.getLogger("doca.runtime.store")

# States with a shim and an init behind them.
ACTIVE = ("created", "running", "paused")

# Docker's rule for container names.
NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
ID_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclasses.dataclass
class Record:
    id: str
    name: str
    spec: model.ContainerSpec
    status: str = "created"
    pid: int = 0
    shim_pid: int = 0
    shim_start: int = 0  # the shim's start time: its pid alone could be reused
    exit_code: int = 0
    oom_killed: bool = False
    error: str = ""
    created_at: float = 0.0
    started_at: float = 0.0
    finished_at: float = 0.0
    restart_count: int = 0
    manually_stopped: bool = False  # by stop or rm: no restart policy brings it back
    removing: bool = False
    oom_base: int = 0  # the cgroup's OOM kill count when this run started
    health: dict | None = None  # {"status", "failing_streak", "log"} with a health check


_FIELDS = tuple(f.name for f in dataclasses.fields(Record))


def _as_json(rec: Record) -> dict:
    """The record's fields as written: the spec in its message's JSON form
    (model.py), as records have always been."""
    fields = {f: getattr(rec, f) for f in _FIELDS}
    fields["spec"] = model.to_json(rec.spec)
    return fields


def _from_json(data: dict) -> Record:
    return Record(**dict(data, spec=model.from_json(model.ContainerSpec, data["spec"])))


def _root_only(path: pathlib.Path) -> None:
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except FileNotFoundError:
        pass


class Store:
    def __init__(self, root: pathlib.Path, volatile: pathlib.Path):
        self.root = pathlib.Path(root) / "containers"
        self.run_root = pathlib.Path(volatile) / "containers"
        self.root.mkdir(parents=True, exist_ok=True)
        dirspread.spread_subdirs(self.root)  # one per container: see common/dirspread.py
        self.run_root.mkdir(parents=True, exist_ok=True)
        note_data_root(self.root.parent, "the runtime's store")
        self.lock = threading.RLock()
        self._records: dict[str, Record] = {}
        # Records whose last save met a full disk on the way to a state that
        # frees space (see save): written when space comes back.
        self._unsaved = Unwritten("the runtime's store", self.lock)
        self.orphans: list[str] = []  # directories left by an interrupted create
        for d in self.root.iterdir():
            data = atomic.read_json(d / "container.json")
            if data is None:
                self.orphans.append(d.name)
                continue
            atomic.remove_temporaries(d)
            _root_only(d / "container.json")  # an older doca wrote it 0644: it holds the environment
            self._records[d.name] = _from_json(data)
        for d in self.run_root.iterdir():  # run-time files of a create that never made a record
            if d.name not in self._records and d.name not in self.orphans:
                self.orphans.append(d.name)

    def dir(self, cid: str) -> pathlib.Path:
        """The container's run-time files (the shim's state dir)."""
        return self.run_root / cid

    def record_dir(self, cid: str) -> pathlib.Path:
        return self.root / cid

    def log_path(self, cid: str) -> pathlib.Path:
        return self.root / cid / "container.log"

    def save(self, rec: Record, durable: bool = True, freeing: bool | None = None) -> None:
        """Writes the record. A full disk fails the save (RESOURCE_EXHAUSTED
        for the client) unless the save records a step that frees space or
        stops something: an exit, a stop, a kill, a thaw, a removal
        (`freeing`, by default: the status is no longer one that runs, or the
        container is being stopped or removed). Those must work with zero
        bytes free, so the record stays as it is in memory, the freeing
        carries on, and the file is written when space comes back (the next
        save, else a retry every few seconds).

        Why not a reserve file released when space runs out: whatever writes
        the disk full (a container's rootfs is on the same filesystem) takes
        the released space first, and the write would fail all the same. What
        the file would have said is derived again anyway: an exit from the
        shim's exit.json and the cgroup, a thaw from the freezer, and a
        removed container's record is deleted whether it was written or not.
        Only a runtime restarted while the disk is still full reads the older
        record (a stop's manually_stopped with it)."""
        try:
            atomic.write_json(self.record_dir(rec.id) / "container.json", _as_json(rec), durable=durable)
        except OSError as e:
            if not is_no_space(e):
                raise
            if freeing is None:
                freeing = rec.status not in ("created", "running", "paused") or rec.manually_stopped or rec.removing
            if not freeing or not self.record_dir(rec.id).is_dir():
                raise
            with self.lock:
                self._unsaved.keep(rec.id, lambda: self._write_held_back(rec.id), e)
            return
        if self._unsaved:
            with self.lock:
                self._unsaved.discard(rec.id)
                self._unsaved.flush()

    def _write_held_back(self, cid: str) -> None:
        """The record a full disk held back, as it is now (common/unwritten.py)."""
        rec = self._records.get(cid)
        if rec is None or not self.record_dir(cid).is_dir():
            return  # removed meanwhile: nothing to write
        atomic.write_json(self.record_dir(cid) / "container.json", _as_json(rec))

    def flush_unsaved(self) -> None:
        """Writes the records a full disk held back, while there is room."""
        with self.lock:
            self._unsaved.flush()

    def reserve(self, rec: Record, generate=None) -> None:
        """Claims the id and name and makes the directory (no record file yet:
        an interrupted create is cleaned at the next start). Without a name,
        `generate()` picks one no other container has."""
        if not rec.name:
            with self.lock:
                taken = {r.name for r in self._records.values()}
                rec.name = next((n for n in (generate() for _ in range(20)) if n not in taken),
                                f"{generate()}_{os.urandom(2).hex()}")
        if not ID_RE.fullmatch(rec.id):
            raise InvalidArgument(f"invalid container id {rec.id!r}: 64 lowercase hex digits expected")
        if not NAME_RE.fullmatch(rec.name):
            raise InvalidArgument(f"invalid container name {rec.name!r}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
        with self.lock:
            if rec.id in self._records:
                raise AlreadyExists(f"container {rec.id[:12]} already exists")
            self._name_free(rec.name)
            self.record_dir(rec.id).mkdir()
            self.dir(rec.id).mkdir()
            self._records[rec.id] = rec

    def _name_free(self, name: str) -> None:
        for other in self._records.values():
            if other.name == name:
                raise AlreadyExists(
                    f'Conflict. The container name "/{name}" is already in use by container '
                    f'"{other.id}". You have to remove (or rename) that container to be able to reuse that name.')

    def rename(self, rec: Record, name: str) -> None:
        with self.lock:
            self._name_free(name)
            rec.name = name
            if rec.spec.name:
                rec.spec = dataclasses.replace(rec.spec, name=name)
            self.save(rec)

    def drop(self, cid: str) -> None:
        with self.lock:
            self._records.pop(cid, None)
            self._unsaved.discard(cid)
        shutil.rmtree(self.dir(cid), ignore_errors=True)
        shutil.rmtree(self.record_dir(cid), ignore_errors=True)

    def get(self, ref: str) -> Record:
        with self.lock:
            if ref in self._records:
                return self._records[ref]
            name = ref[1:] if ref.startswith("/") else ref
            for rec in self._records.values():
                if rec.name == name:
                    return rec
            if ref and re.fullmatch(r"[0-9a-f]+", ref):
                found = [r for r in self._records.values() if r.id.startswith(ref)]
                if len(found) == 1:
                    return found[0]
                if len(found) > 1:
                    raise InvalidArgument(f"multiple containers match the prefix {ref}: use more characters")
        raise NotFound(f"No such container: {ref}")

    def all(self) -> list[Record]:
        with self.lock:
            return list(self._records.values())

    def exists(self, rec: Record) -> bool:
        """Whether the record is still the store's (not removed since)."""
        with self.lock:
            return self._records.get(rec.id) is rec


def read_text(path: pathlib.Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


def exists(path: pathlib.Path) -> bool:
    return os.path.exists(path)
