"""A compressed stream read back in bounded pieces: what `docker cp` takes
on its way into a container (Docker's archive PUT accepts a tar as it is,
or gzip, bzip2 or xz). tarfile's own "r|*" hands each block it reads to the
decompressor whole, with no bound on what comes out, so a few KiB of a
bzip2 bomb would become gigabytes in memory; here no call returns more
than it was asked for, and memory stays that of one piece.

Standard library only: docker cp's helper runs inside a container's root."""
import bz2
import lzma
import zlib

CHUNK = 64 * 1024

_MAGIC = ((b"\x1f\x8b", lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)),
          (b"BZh", bz2.BZ2Decompressor),
          (b"\xfd7zXZ\x00", lzma.LZMADecompressor))


class Inflated:
    """A file object (read only) over `fileobj`, inflated when it starts
    with a known compression's magic, passed through when not. Concatenated
    members (gzip -c a b, pbzip2) are read one after the other."""

    def __init__(self, fileobj):
        self._f = fileobj
        self._head = fileobj.read(6)
        found = next(((magic, make) for magic, make in _MAGIC if self._head.startswith(magic)), None)
        self._magic, self._new = found if found else (b"", None)
        self._d = self._new() if self._new else None
        self._pending = self._head  # compressed input not yet handed to the decompressor

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = CHUNK  # tarfile's stream mode always asks for a size; a bound all the same
        if self._d is None:
            out, self._pending = self._pending[:size], self._pending[size:]
            return out + (self._f.read(size - len(out)) if len(out) < size else b"")
        while True:
            if self._d.eof:
                rest = self._d.unused_data or self._f.read(CHUNK)
                if not rest.startswith(self._magic):
                    return b""  # the end (or padding after the last member)
                self._d, self._pending = self._new(), rest  # the next member
                continue
            if self._pending:
                data, self._pending = self._pending, b""
            elif self._needs_input():
                data = self._f.read(CHUNK)
                if not data:
                    raise EOFError("the compressed stream ends before its end")
            else:
                data = b""
            out = self._decompress(data, size)
            if out:
                return out

    def _decompress(self, data: bytes, size: int) -> bytes:
        if isinstance(self._d, type(zlib.decompressobj())):
            return self._d.decompress(self._d.unconsumed_tail + data, size)
        return self._d.decompress(data, size)

    def _needs_input(self) -> bool:
        if hasattr(self._d, "needs_input"):
            return self._d.needs_input
        return not self._d.unconsumed_tail
