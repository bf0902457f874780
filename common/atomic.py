"""Crash-safe state files: write to a temporary name, fsync, rename.

A reader sees either the old content or the new, never half of it; a write
that fails (a full disk: its ENOSPC names the file) leaves the old file and
no temporary. State files are root's alone (0600) unless a caller says
otherwise: records and bundles hold containers' environments
(common/storeperms.py).
"""
import json
import os
import pathlib
import tempfile

from common.errors import name_no_space


def write_bytes(path: pathlib.Path, data: bytes, mode: int = 0o600, durable: bool = True) -> None:
    """durable=False skips the fsync, for state that can be derived again
    after a crash: the rename still never shows a half-written file."""
    path = pathlib.Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise name_no_space(e, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            # A full disk names the file it was writing, not a temporary
            # (a failed write(2) names none): the one line the client reads.
            named = name_no_space(e, path)
            if named is not e:
                raise named from None
        raise


def fsync_dir(path: pathlib.Path) -> None:
    """Makes a rename in `path` durable, not only the file's bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: pathlib.Path, obj, mode: int = 0o600, durable: bool = True) -> None:
    # Compact: with an indent, json.dumps runs its pure-Python encoder, ~10x
    # slower (half the runtime's CPU for a container's create was there).
    write_bytes(path, json.dumps(obj, separators=(",", ":"), sort_keys=True).encode(), mode, durable)


def read_json(path: pathlib.Path, default=None):
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def remove_temporaries(directory: pathlib.Path) -> None:
    """Drops what an interrupted write_bytes left (called at service start)."""
    for p in pathlib.Path(directory).glob(".*.tmp"):
        try:
            p.unlink()
        except OSError:
            pass
