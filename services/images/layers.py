"""Unpacked layers, one directory per chain id, shared by every image and
container that has the layer.

    <root>/<chain-id hex>/diff        the layer's files (an overlay lower dir)
    <root>/<chain-id hex>/layer.json  diff id, parent, content size

A layer is unpacked into <tmp>/unpack-*, flushed to disk (syncfs) and only
then renamed into place, so a directory under <root> is always complete.
Whatever is in <tmp> at start was interrupted and is removed. Removal goes
the other way: rename into <tmp> (atomic), then delete.
"""
import ctypes
import logging
import os
import pathlib
import shutil
import tempfile
import time

from common import atomic
from services.images import digests
from services.images.keyedlock import KeyedLocks
from services.images.unpack import unpack

log = logging.getLogger("doca.images.layers")
_libc = ctypes.CDLL(None, use_errno=True)


class LayerStore:
    def __init__(self, root: pathlib.Path, tmp: pathlib.Path):
        self.root = pathlib.Path(root)
        self.tmp = pathlib.Path(tmp)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._locks = KeyedLocks()
        self._sizes: dict[str, int] = {}  # chain id -> content bytes (layer.json is immutable)
        for leftover in self.tmp.iterdir():
            _remove_tree(leftover)
        for entry in self.root.iterdir():
            if not digests.HEX_RE.match(entry.name):
                _remove_tree(entry)  # not ours to keep: a stray name under layers/

    def path(self, chain_id: str) -> pathlib.Path:
        return self.root / digests.hex_of(chain_id)

    def diff_dir(self, chain_id: str) -> pathlib.Path:
        return self.path(chain_id) / "diff"

    def exists(self, chain_id: str) -> bool:
        return self.diff_dir(chain_id).is_dir()

    def size(self, chain_id: str) -> int | None:
        """The layer's content size as measured when it was unpacked (sum of
        its regular files), or None when it is not unpacked."""
        size = self._sizes.get(chain_id)
        if size is None:
            rec = atomic.read_json(self.path(chain_id) / "layer.json")
            if rec is None:
                return None
            size = self._sizes[chain_id] = int(rec.get("size", 0))
        return size

    def chain_ids(self) -> list[str]:
        return ["sha256:" + p.name for p in self.root.iterdir() if digests.HEX_RE.match(p.name)]

    def ensure(self, chain_id: str, diff_id: str, parent: str | None, tar_path) -> pathlib.Path:
        """Unpacks the layer tar unless this chain id is already there. Two
        callers with the same chain id unpack it once: the second waits."""
        return self.ensure_with(chain_id, diff_id, parent, lambda dest: unpack(tar_path, dest))

    def ensure_with(self, chain_id: str, diff_id: str, parent: str | None, fill) -> pathlib.Path:
        """As ensure, with fill(dest) -> unpack.Stats filling the empty diff
        directory (a pull unpacks from the bytes as they arrive); fill is not
        called when the layer is there already, and what it raises leaves
        nothing behind."""
        with self._locks.hold(chain_id):
            if self.exists(chain_id):
                return self.diff_dir(chain_id)
            work = pathlib.Path(tempfile.mkdtemp(dir=self.tmp, prefix="unpack-"))
            try:
                (work / "diff").mkdir(mode=0o755)
                t0 = time.monotonic()
                stats = fill(work / "diff")
                atomic.write_json(work / "layer.json", {
                    "chain_id": chain_id, "diff_id": diff_id, "parent": parent,
                    "size": stats.file_bytes, "entries": stats.entries})
                t1 = time.monotonic()
                # On disk before it is called complete: after a power cut a
                # committed layer must not come back with empty files, a
                # failure that is otherwise never noticed nor repaired.
                _syncfs(work)
                os.rename(work, self.path(chain_id))
                atomic.fsync_dir(self.root)
                log.info("unpacked layer %s (%d entries, %d bytes) in %.3fs, synced in %.3fs",
                         digests.short(chain_id), stats.entries, stats.file_bytes,
                         t1 - t0, time.monotonic() - t1)
            except BaseException:
                _remove_tree(work)
                raise
            return self.diff_dir(chain_id)

    def detach(self, chain_id: str) -> pathlib.Path | None:
        """Takes the layer out of the store (one rename) and returns where it
        went; purge() deletes it, which may take long and needs no lock."""
        with self._locks.hold(chain_id):
            path = self.path(chain_id)
            if not path.exists():
                return None
            self._sizes.pop(chain_id, None)
            trash = pathlib.Path(tempfile.mkdtemp(dir=self.tmp, prefix="remove-"))
            os.rename(path, trash / "layer")
            return trash

    @staticmethod
    def purge(trash: pathlib.Path | None) -> None:
        if trash is not None:
            _remove_tree(trash)


def _remove_tree(path: pathlib.Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _syncfs(path: pathlib.Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _libc.syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)

