"""Recognises a compressed stream by its first bytes and inflates it on the
fly: `docker import` and `docker load` accept plain, gzip, bzip2, xz and
zstd tars, and OCI layers come as tar, tar+gzip or tar+zstd.

gzip is inflated by ISA-L (isal_zlib, zlib's API): ~2x zlib's speed on
compressible layers and 2.5x on stored ones (its CRC is the larger part
there), with the GIL released as zlib does; the gzip layers of a pull
are inflated this way as they arrive (registry/streamunpack.py)."""
import bz2
import lzma
import zlib

import zstandard
from isal import isal_zlib

from common.errors import InvalidArgument

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAGIC_LEN = 6  # enough bytes to tell every format above apart


def detect(head: bytes) -> str:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(BZIP2_MAGIC):
        return "bzip2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "none"


class Inflater:
    """feed(bytes) -> uncompressed bytes; close() checks the stream ended."""

    def __init__(self, kind: str):
        self.kind = kind
        self._d = self._fresh()

    def _fresh(self):
        if self.kind == "gzip":
            return isal_zlib.decompressobj(wbits=16 + isal_zlib.MAX_WBITS)
        if self.kind == "zstd":
            return zstandard.ZstdDecompressor().decompressobj()
        if self.kind == "bzip2":
            return bz2.BZ2Decompressor()
        if self.kind == "xz":
            return lzma.LZMADecompressor()
        return None

    def feed(self, data: bytes) -> bytes:
        if self._d is None:
            return data
        out = []
        try:
            while data:
                out.append(self._d.decompress(data))
                # gzip and zstd streams may hold several members (frames)
                # one after another (pigz, zstd -T0, cat a.gz b.gz): start a
                # new decompressor on the rest.
                if self.kind in ("gzip", "zstd") and self._d.eof:
                    data = self._d.unused_data
                    if data:
                        self._d = self._fresh()
                else:
                    data = b""
        except (zlib.error, isal_zlib.error, OSError, EOFError, lzma.LZMAError, zstandard.ZstdError) as exc:
            raise InvalidArgument(f"corrupt {self.kind} data: {exc}") from None
        return b"".join(out)

    def close(self) -> None:
        if self._d is not None and not self._d.eof:
            raise InvalidArgument(f"truncated {self.kind} data: the stream ended early")
