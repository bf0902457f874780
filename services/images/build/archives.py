"""ADD of a local tar archive (plain, gzip, bzip2, xz or zstd): recognised
by its first bytes (a compressed file only when what it inflates to starts
like a tar), then its members re-written into the layer under the
destination directory, as they stream: nothing is extracted on the host.

Member names are taken relative (a leading "/" dropped) and may not climb
out with "..". Owners are the archive's unless --chown. Whiteout-named
members pass as they are; the layer's unpacking (layers.py, unpack.py)
checks every member again, symlink escapes included.
"""
import tarfile

from common.errors import InvalidArgument
from services.images import decompress, tarstream
from services.images.dockerfile.files import HEADER_BYTES, archive_kind
from common.tarlimits import BoundedTarInfo

CHUNK = 1 << 20


def _inflated(tree, node):
    """The file's bytes, decompressed if they are compressed."""
    chunks = tree.read(node)
    first = next(chunks, b"")
    kind = archive_kind(first[:HEADER_BYTES])
    if kind in (None, "tar"):
        yield first
        yield from chunks
        return
    inflater = decompress.Inflater(kind)
    # Bounded pieces: an archive that inflates to gigabytes streams through.
    yield from inflater.inflate(first)
    for chunk in chunks:
        yield from inflater.inflate(chunk)
    inflater.close()


def is_archive(tree, node) -> bool:
    head = b""
    try:
        for chunk in _inflated(tree, node):
            head += chunk
            if len(head) >= HEADER_BYTES:
                break
    except InvalidArgument:
        return False  # looks compressed but is not: copied as it is
    return archive_kind(head[:HEADER_BYTES]) == "tar"


class _Stream:
    """A read()-able view of an iterator of byte chunks, for tarfile's
    stream mode."""

    def __init__(self, chunks):
        self._chunks = chunks
        self._buf = b""
        self._pos = 0  # read up to here in _buf: a big chunk is not copied once per small read

    def read(self, size: int = -1) -> bytes:
        parts = []
        while size != 0:
            if self._pos == len(self._buf):
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._buf, self._pos = chunk, 0
            take = len(self._buf) - self._pos if size < 0 else min(size, len(self._buf) - self._pos)
            parts.append(self._buf[self._pos:self._pos + take])
            self._pos += take
            if size > 0:
                size -= take
        return b"".join(parts)


def _member_name(name: str, archive: str) -> str:
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise InvalidArgument(f"ADD {archive}: refusing archive member {name!r}: '..' leaves the destination")
    return "/".join(parts)


def _under(dest: str, name: str) -> str:
    return f"{dest}/{name}" if dest and name else (dest or name)


def extract(tree, node, dest: str, owner: tuple[int, int] | None, sink) -> int:
    """Writes the archive's members as layer members under `dest`; returns
    how many."""
    count = 0
    try:
        tar = tarfile.open(fileobj=_Stream(_inflated(tree, node)), mode="r|", tarinfo=BoundedTarInfo)
        while (m := tar.next()) is not None:
            tar.members.clear()  # tarfile keeps every header otherwise: memory would grow with the archive
            name = _member_name(m.name, node.path)
            if not name:
                continue  # "./" itself: the destination directory is already in the layer
            info = tarfile.TarInfo(_under(dest, name))
            info.type, info.mode, info.mtime = m.type, m.mode, int(m.mtime)
            info.uid, info.gid = owner if owner is not None else (m.uid, m.gid)
            info.uname = info.gname = ""
            info.devmajor, info.devminor = m.devmajor, m.devminor
            info.pax_headers = {k: v for k, v in m.pax_headers.items() if k.startswith("SCHILY.xattr.")}
            if m.issym():
                info.linkname = m.linkname
            elif m.islnk():
                info.linkname = _under(dest, _member_name(m.linkname, node.path))
            elif m.isreg():
                info.type, info.size = tarfile.REGTYPE, m.size
            elif not (m.isdir() or m.ischr() or m.isblk() or m.isfifo()):
                continue  # other GNU extension types: nothing a layer can hold
            sink(tarstream.header(info))
            if m.isreg() and m.size:
                body = tar.extractfile(m)
                left = m.size
                while left:
                    data = body.read(min(CHUNK, left))
                    if not data:
                        raise InvalidArgument(f"ADD {node.path}: the archive is truncated at {m.name}")
                    left -= len(data)
                    sink(data)
                pad = tarstream.padding(m.size)
                if pad:
                    sink(pad)
            count += 1
    except tarfile.TarError as exc:
        raise InvalidArgument(f"ADD {node.path}: cannot read the archive: {exc}") from None
    return count
