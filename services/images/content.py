"""Content store: blobs addressed by their sha256 digest.

Layout: <root>/blobs/sha256/<hex> holds committed blobs; <root>/ingest/ holds
writes in progress. A write goes to a fresh ingest file and is digested while
written; commit fsyncs it, checks the expected digest if one was given and
renames it into place, so a blob path never shows partial or wrong content.
An interrupted write leaves only an ingest file, which start-up removes.
"""
import hashlib
import os
import pathlib
import shutil
import tempfile

from common import atomic
from common.errors import InvalidArgument, NotFound
from services.images import digests


class Writer:
    """One blob being written. Use as a context manager: leaving the block
    without commit() (an error, a cancelled stream) throws the bytes away."""

    def __init__(self, store: "ContentStore", expected: str | None = None):
        if expected is not None:
            digests.validate(expected)
        self._store = store
        self.expected = expected
        fd, name = tempfile.mkstemp(dir=store.ingest_dir, prefix="w-")
        self.path = pathlib.Path(name)
        self._file = os.fdopen(fd, "wb")  # buffered: a write is always written whole
        self._hash = hashlib.sha256()
        self.size = 0
        self.digest: str | None = None
        self._committed = False

    def write(self, data) -> None:
        self._hash.update(data)
        self._file.write(data)
        self.size += len(data)

    def fileno(self) -> int:
        """The ingest file's descriptor: a pull starts writing it to disk
        as it arrives (writeback.py), so that finish()'s fsync waits less."""
        return self._file.fileno()

    def finish(self) -> str:
        """Flushes and fsyncs the ingest file and returns its digest, without
        committing: the caller may still check the content (unpack it) first."""
        if self.digest is None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self.digest = "sha256:" + self._hash.hexdigest()
            if self.expected is not None and self.digest != self.expected:
                self.abort()
                raise InvalidArgument(
                    f"content digest mismatch: expected {self.expected}, got {self.digest}; "
                    "the data was corrupted in transit, try again")
        return self.digest

    @property
    def committed(self) -> bool:
        return self._committed

    def commit(self) -> str:
        digest = self.finish()
        self._store._adopt(self.path, digest)
        self._committed = True
        return digest

    def abort(self) -> None:
        if not self._file.closed:
            try:
                self._file.close()
            except OSError:
                pass  # a full disk fails the flush again; the file is closed all the same
        if self._committed:
            return  # the name is free again: another writer may be using it now
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.abort()  # a no-op after commit
        return False


class ContentStore:
    def __init__(self, root: pathlib.Path):
        self.root = pathlib.Path(root)
        self.blob_dir = self.root / "blobs" / "sha256"
        self.ingest_dir = self.root / "ingest"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        # Whatever is in ingest/ at start was being written when the service
        # stopped: no commit can ever finish it.
        shutil.rmtree(self.ingest_dir, ignore_errors=True)
        self.ingest_dir.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> pathlib.Path:
        return self.blob_dir / digests.hex_of(digest)

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def size(self, digest: str) -> int:
        try:
            return self.path(digest).stat().st_size
        except FileNotFoundError:
            raise NotFound(f"blob {digest} is not in the content store") from None

    def read(self, digest: str) -> bytes:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"blob {digest} is not in the content store") from None

    def writer(self, expected: str | None = None) -> Writer:
        return Writer(self, expected)

    def put(self, data: bytes, expected: str | None = None) -> str:
        """Stores a small blob (a config, a manifest) and returns its digest."""
        with self.writer(expected) as w:
            w.write(data)
            return w.commit()

    def delete(self, digest: str) -> None:
        try:
            self.path(digest).unlink()
        except FileNotFoundError:
            pass

    def digests(self) -> list[str]:
        return ["sha256:" + p.name for p in self.blob_dir.iterdir() if digests.HEX_RE.match(p.name)]

    def _adopt(self, ingest_path: pathlib.Path, digest: str) -> None:
        target = self.path(digest)
        # Same name, same bytes: if the blob is already there the rename just
        # replaces it with an identical copy, atomically.
        os.replace(ingest_path, target)
        atomic.fsync_dir(self.blob_dir)

