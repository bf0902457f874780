"""A container's changes as an OCI layer: its overlay upper dir, walked and
written as a tar, with overlay's markers turned back into OCI whiteouts.

    0/0 character device NAME          ->  .wh.NAME (an empty file)
    directory with trusted.overlay.opaque=y  ->  the directory, then DIR/.wh..wh..opq

(unpack.py does the reverse.) Everything else goes as it is: files,
directories, symlinks, hardlinks (within the upper dir), device nodes,
fifos, modes, owners, mtimes and xattrs. Entries are sorted, so the same
upper dir always gives the same tar and the same diff id.

The upper dir must not change while this runs: the caller pauses a running
container first.
"""
import dataclasses
import os
import stat
import tarfile
from typing import Callable, Iterator

from common.errors import FailedPrecondition
from common.overlayfs import is_opaque, is_whiteout
from services.images import tarstream
from services.images.unpack import OPAQUE_MARKER, WHITEOUT_PREFIX

METACOPY_XATTR = "trusted.overlay.metacopy"


@dataclasses.dataclass
class DiffStats:
    entries: int = 0
    whiteouts: int = 0
    file_bytes: int = 0


def _whiteout_member(name: str, st: os.stat_result) -> bytes:
    info = tarfile.TarInfo(name)
    info.mode, info.mtime = 0, int(st.st_mtime)
    return tarstream.header(info)


def _check_no_metacopy(path: str) -> None:
    """With metacopy on, a copied-up file in the upper dir may hold only
    metadata (its data still below): taking it alone would lose the data."""
    try:
        os.getxattr(path, METACOPY_XATTR, follow_symlinks=False)
    except OSError:
        return
    raise FailedPrecondition(f"cannot take a diff: {path} is an overlay metacopy file "
                             "(mounted with metacopy=on); its data is in a lower layer")


def members(upper: str, stats: DiffStats | None = None, skip: frozenset = frozenset()) -> Iterator[bytes]:
    """The layer tar of `upper`, as chunks (the end-of-archive blocks included);
    `skip`: relative paths left out, with what is under them (mountpoints.py)."""
    stats = stats if stats is not None else DiffStats()
    links = tarstream.HardlinkTracker()

    def walk(dir_path: str, prefix: str) -> Iterator[bytes]:
        try:
            names = sorted(os.listdir(dir_path))
        except FileNotFoundError:
            raise FailedPrecondition(f"the container's files changed while its diff was taken "
                                     f"({dir_path} vanished); pause it or try again") from None
        for name in names:
            path = dir_path + "/" + name
            rel = prefix + name
            if rel in skip:
                continue
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue  # removed since the listing: it is not part of the diff
            stats.entries += 1
            if is_whiteout(st):
                stats.whiteouts += 1
                yield _whiteout_member(prefix + WHITEOUT_PREFIX + name, st)
                continue
            if stat.S_ISREG(st.st_mode):
                _check_no_metacopy(path)
                stats.file_bytes += st.st_size
            yield from tarstream.entry(rel, path, st, links)
            if stat.S_ISDIR(st.st_mode):
                if is_opaque(path):
                    stats.whiteouts += 1
                    yield _whiteout_member(rel + "/" + OPAQUE_MARKER, st)
                yield from walk(path, rel + "/")

    yield from walk(upper.rstrip("/") or "/", "")
    yield tarstream.END


def write(upper: str, sink: Callable[[bytes], None], skip: frozenset = frozenset()) -> DiffStats:
    """Writes the layer tar of `upper` through sink (a content writer's write)."""
    stats = DiffStats()
    for chunk in members(upper, stats, skip):
        sink(chunk)
    return stats
