"""Recognises a compressed stream by its first bytes and inflates it on the
fly, as `docker import` does: layers are stored uncompressed (so a layer's
blob digest is its diff id), whatever form they arrived in."""
import bz2
import lzma
import zlib

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
        if kind == "gzip":
            self._d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        elif kind == "bzip2":
            self._d = bz2.BZ2Decompressor()
        elif kind == "xz":
            self._d = lzma.LZMADecompressor()
        elif kind == "zstd":
            raise InvalidArgument("zstd-compressed tars are not supported yet: "
                                  "decompress it first (zstd -d) or use gzip")
        else:
            self._d = None

    def feed(self, data: bytes) -> bytes:
        if self._d is None:
            return data
        out = []
        try:
            while data:
                out.append(self._d.decompress(data))
                # A gzip file may hold several members one after another
                # (pigz, cat a.gz b.gz): start a new decompressor on the rest.
                if self.kind == "gzip" and self._d.eof:
                    data = self._d.unused_data
                    if data:
                        self._d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                else:
                    data = b""
        except (zlib.error, OSError, EOFError, lzma.LZMAError) as exc:
            raise InvalidArgument(f"corrupt {self.kind} data: {exc}") from None
        return b"".join(out)

    def close(self) -> None:
        if self._d is not None and not self._d.eof:
            raise InvalidArgument(f"truncated {self.kind} data: the stream ended early")
