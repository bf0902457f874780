"""Reading an image archive as it streams in: every member of the tar goes
to its own content-store ingest file, digested as it is written; a member
named blobs/sha256/<hex> must match that digest or the load stops there.

Nothing is committed here: the loader decides which members are blobs to
keep once it has read the archive's index. Closing the Spool throws away
every ingest file not committed, so a refused archive leaves nothing.
"""
import contextlib
import dataclasses
import json
import posixpath
import re
import tarfile
from typing import Iterable, Iterator

from common.errors import InvalidArgument
from services.images import decompress, digests
from services.images.content import ContentStore, Writer
from common.tarlimits import BoundedTarInfo

BLOB_NAME_RE = re.compile(r"^blobs/sha256/([0-9a-f]{64})$")
READ_CHUNK = 1 << 20
MAX_DOCUMENT = 64 << 20  # index, manifests and configs are small JSON files
MAX_LINK_HOPS = 16
# An image archive holds a few files per image and layer; each member costs
# some memory here (and an ingest file) until the load ends, so a tar of
# millions of tiny members (a few KiB once compressed) is refused early.
MAX_MEMBERS = 100_000


@dataclasses.dataclass
class Member:
    name: str
    writer: Writer | None = None  # regular files
    link: str | None = None       # symlinks and hardlinks: the archive path they point to

    @property
    def digest(self) -> str:
        return self.writer.digest

    @property
    def size(self) -> int:
        return self.writer.size


def normalize(name: str) -> str:
    """An archive path as a key: no leading ./ or /, no '.' components.
    (Names are only keys here: nothing is ever written under them.)"""
    return posixpath.normpath("/" + name).lstrip("/")


class _Reader:
    """A file-like read() over an iterator of byte chunks, for tarfile's
    stream mode (which reads strictly forward)."""

    def __init__(self, chunks: Iterable[bytes]):
        self._it = iter(chunks)
        self._buf = bytearray()

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            chunk = next(self._it, None)
            if chunk is None:
                break
            if not self._buf and len(chunk) == n:
                return chunk  # the common case: no copy
            self._buf += chunk
        if n < 0:
            n = len(self._buf)
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out


def plain(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The archive inflated if it came compressed (docker load accepts a
    gzip, bzip2, xz or zstd tar as well as a plain one)."""
    head = b""
    inflater = None
    for chunk in chunks:
        if inflater is None:
            head += chunk
            if len(head) < decompress.MAGIC_LEN:
                continue
            inflater = decompress.Inflater(decompress.detect(head))
            chunk, head = head, b""
        yield from inflater.inflate(chunk)  # bounded pieces, whatever the ratio
    if inflater is None:
        if not head:
            raise InvalidArgument("no data to load: send an image archive (docker save or OCI layout tar)")
        inflater = decompress.Inflater(decompress.detect(head))
        yield from inflater.inflate(head)
    inflater.close()


class Spool:
    """The archive's members, read once. Use as a context manager."""

    def __init__(self, content: ContentStore):
        self.content = content
        self.members: dict[str, Member] = {}
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stack.close()  # aborts every writer not committed
        return False

    def read(self, chunks: Iterable[bytes]) -> None:
        try:
            with tarfile.open(fileobj=_Reader(plain(chunks)), mode="r|", bufsize=READ_CHUNK,
                              tarinfo=BoundedTarInfo) as tar:
                count = 0
                while (m := tar.next()) is not None:
                    tar.members.clear()  # tarfile keeps every header otherwise
                    count += 1
                    if count > MAX_MEMBERS:
                        raise InvalidArgument(f"not an image archive: more than {MAX_MEMBERS} members")
                    self._add(tar, m)
        except tarfile.TarError as exc:
            raise InvalidArgument(f"not a valid image archive: {exc}") from None

    def _add(self, tar: tarfile.TarFile, m: tarfile.TarInfo) -> None:
        name = normalize(m.name)
        old = self.members.pop(name, None)
        if old is not None and old.writer is not None:
            old.writer.abort()  # a tar may hold a name twice: the later one counts
        if m.issym():
            self.members[name] = Member(name, link=normalize(posixpath.join(posixpath.dirname(name), m.linkname)))
        elif m.islnk():
            self.members[name] = Member(name, link=normalize(m.linkname))
        elif m.isreg():
            match = BLOB_NAME_RE.match(name)
            expected = "sha256:" + match.group(1) if match else None
            w = self._stack.enter_context(self.content.writer(expected))
            src = tar.extractfile(m)
            while data := src.read(READ_CHUNK):
                w.write(data)
            try:
                w.finish()
            except InvalidArgument:
                raise InvalidArgument(f"digest mismatch: {name} in the archive does not hold the "
                                      f"content its name promises (it is {w.digest or 'something else'}); "
                                      "the archive is corrupt or was altered") from None
            self.members[name] = Member(name, writer=w)
        # directories and anything else carry nothing an image needs

    def get(self, name: str) -> Member | None:
        """The regular file an archive path names, links followed."""
        name = normalize(name)
        for _ in range(MAX_LINK_HOPS):
            m = self.members.get(name)
            if m is None or m.link is None:
                return m
            name = m.link
        raise InvalidArgument(f"too many links in the archive at {name}")

    def need(self, name: str, why: str) -> Member:
        m = self.get(name)
        if m is None:
            raise InvalidArgument(f"the archive has no {name} ({why})")
        return m

    def blob(self, digest: str, why: str) -> Member:
        if not isinstance(digest, str) or not digests.DIGEST_RE.match(digest):
            raise InvalidArgument(f"unsupported digest {digest!r} ({why}): expected sha256: and 64 hex digits")
        return self.need("blobs/sha256/" + digests.hex_of(digest), why)

    def json(self, m: Member, what: str):
        if m.size > MAX_DOCUMENT:
            raise InvalidArgument(f"{m.name} ({what}) is {m.size} bytes: too big for a JSON document")
        try:
            return json.loads(m.writer.path.read_bytes())
        except ValueError as exc:
            raise InvalidArgument(f"{m.name} ({what}) is not valid JSON: {exc}") from None
