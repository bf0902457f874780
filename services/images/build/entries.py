"""The entries of a layer that COPY or ADD makes, and the two things done
with them: their fingerprint (the step's cache key: content and metadata,
not mtimes, as Docker's cache ignores them) and the layer tar itself."""
import dataclasses
import hashlib
import tarfile
from typing import Callable, Iterator

from services.images import tarstream
from services.images.build import archives
from common import fstree as trees

ARCHIVE = "archive"  # a local tar ADD extracts at `name` (a directory)


@dataclasses.dataclass
class Entry:
    name: str                 # path in the layer, relative
    kind: str                 # tree.DIR, FILE, SYMLINK, or ARCHIVE
    mode: int
    uid: int                  # for ARCHIVE: -1 keeps the archive's owners
    gid: int
    mtime: int
    size: int = 0
    linkname: str = ""
    xattrs: dict = dataclasses.field(default_factory=dict)
    tree: object = None       # where a FILE's or ARCHIVE's bytes are...
    node: trees.Node | None = None
    data: bytes | None = None  # ...or the bytes themselves (a heredoc)

    def body(self) -> Iterator[bytes]:
        if self.data is not None:
            yield self.data
        elif self.node is not None:
            yield from self.tree.read(self.node)


def fingerprint(entries: list[Entry]) -> list:
    """What the cache key needs to know of the entries (JSON-able)."""
    out = []
    for e in entries:
        item = [e.name, e.kind, e.mode, e.uid, e.gid, e.linkname, sorted(e.xattrs.items())]
        if e.kind in (trees.FILE, ARCHIVE):
            h = hashlib.sha256()
            for chunk in e.body():
                h.update(chunk)
            item += [e.size, h.hexdigest()]
        out.append(item)
    return out


def _exactly(chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    """`size` bytes: a body that came out shorter is padded, a longer one
    cut, so the tar stays well-formed whatever happened to the source."""
    left = size
    for chunk in chunks:
        if len(chunk) >= left:
            yield chunk[:left]
            left = 0
            break
        left -= len(chunk)
        yield chunk
    if left:
        yield b"\0" * left


def write_layer(entries: list[Entry], sink: Callable[[bytes], None]) -> int:
    """Writes the layer tar through sink; returns the number of members."""
    count = 0
    for e in entries:
        if e.kind == ARCHIVE:
            count += archives.extract(e.tree, e.node, e.name, None if e.uid < 0 else (e.uid, e.gid), sink)
            continue
        info = tarfile.TarInfo(e.name)
        info.mode, info.uid, info.gid, info.mtime = e.mode, e.uid, e.gid, e.mtime
        info.uname = info.gname = ""
        if e.kind == trees.DIR:
            info.type = tarfile.DIRTYPE
        elif e.kind == trees.SYMLINK:
            info.type, info.linkname = tarfile.SYMTYPE, e.linkname
        else:
            info.type, info.size = tarfile.REGTYPE, e.size
        if e.xattrs:
            info.pax_headers = dict(e.xattrs)
        sink(tarstream.header(info))
        if e.kind == trees.FILE:
            for chunk in _exactly(e.body(), e.size):
                sink(chunk)
            pad = tarstream.padding(e.size)
            if pad:
                sink(pad)
        count += 1
    sink(tarstream.END)
    return count
