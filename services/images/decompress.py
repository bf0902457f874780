"""Recognises a compressed stream by its first bytes and inflates it on the
fly: `docker import` and `docker load` accept plain, gzip, bzip2, xz and
zstd tars, and OCI layers come as tar, tar+gzip or tar+zstd.

gzip is inflated by ISA-L (isal_zlib, zlib's API): ~2x zlib's speed on
compressible layers and 2.5x on stored ones (its CRC is the larger part
there), with the GIL released as zlib does; the gzip layers of a pull
are inflated this way as they arrive (registry/streamunpack.py).

Bounded steps: what comes in is untrusted, and a few compressed bytes can
stand for a great many plain ones (gzip ~1:1000, bzip2 more, zstd ~1:32000:
2 MiB of zstd are 64 GiB of zeros). So the output is handed out in pieces
of at most OUT bytes, each made only when the caller asks for it, and
memory never grows with the plain size. gzip, bzip2 and xz take a
max_length; zstandard's streaming object has none, so the zstd input is cut
between blocks (their headers are read here, _ZstdFrames): a block never
holds more than 128 KiB of plain data, so BLOCKS_PER_STEP of them bound one
call. libzstd also refuses a frame that asks for a window over 128 MiB (its
default limit): one zstd stream holds at most that much.
"""
import bz2
import lzma
import zlib
from typing import Iterator

import zstandard
from isal import isal_zlib

from common.errors import InvalidArgument

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAGIC_LEN = 6  # enough bytes to tell every format above apart

OUT = 1 << 20  # the most plain bytes one piece holds
ZSTD_BLOCK_MAX = 128 << 10  # RFC 8878 3.1.1.2.4: a block's plain size is at most this
BLOCKS_PER_STEP = OUT // ZSTD_BLOCK_MAX

_ERRORS = (zlib.error, isal_zlib.error, OSError, EOFError, lzma.LZMAError, zstandard.ZstdError)


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
    """inflate(bytes) -> the plain bytes, as pieces of at most OUT bytes;
    close() checks the stream ended where a member (frame) ends.

    inflate is a generator: take all its pieces before the next call."""

    def __init__(self, kind: str):
        self.kind = kind
        self._d = self._fresh()
        self._between = False  # the last member ended: the next byte starts another
        self._frames = _ZstdFrames() if kind == "zstd" else None

    def _fresh(self):
        if self.kind == "gzip":
            return isal_zlib.decompressobj(wbits=16 + isal_zlib.MAX_WBITS)
        if self.kind == "zstd":
            # One object for every frame: the block walk below says where they end.
            return zstandard.ZstdDecompressor().decompressobj(write_size=OUT, read_across_frames=True)
        if self.kind == "bzip2":
            return bz2.BZ2Decompressor()
        if self.kind == "xz":
            return lzma.LZMADecompressor()
        return None

    def inflate(self, data) -> Iterator[bytes]:
        if self._d is None:
            if data:
                yield data
            return
        if self.kind == "zstd":
            pieces = self._zstd(data)
        elif self.kind == "gzip":
            pieces = self._with_tail(data)
        else:
            pieces = self._with_buffer(data)
        while True:
            try:
                piece = next(pieces, None)
            except _ERRORS as exc:
                raise InvalidArgument(f"corrupt {self.kind} data: {exc}") from None
            if piece is None:
                return
            if piece:
                yield piece

    # Streams may hold several members (frames) one after another (pigz,
    # pbzip2, zstd -T0, cat a.gz b.gz): a new decompressor takes the rest.
    def _next_member(self, rest):
        self._between = not rest
        if rest:
            self._d = self._fresh()
        return rest

    def _with_tail(self, data) -> Iterator[bytes]:
        """zlib's API: input past max_length waits in unconsumed_tail."""
        while True:
            if self._between:
                if not data:
                    return
                self._d, self._between = self._fresh(), False
            out = self._d.decompress(data, OUT)
            yield out
            if self._d.eof:
                data = self._next_member(self._d.unused_data)
                if not data:
                    return
                continue
            data = self._d.unconsumed_tail
            if not data and len(out) < OUT:
                return  # else the output filled up: more may wait inside

    def _with_buffer(self, data) -> Iterator[bytes]:
        """bz2's and lzma's API: input past max_length waits inside."""
        while True:
            if self._between:
                if not data:
                    return
                self._d, self._between = self._fresh(), False
            yield self._d.decompress(data, OUT)
            data = b""
            if self._d.eof:
                data = self._next_member(self._d.unused_data)
                if not data:
                    return
            elif self._d.needs_input:
                return

    def _zstd(self, data) -> Iterator[bytes]:
        view = memoryview(data)
        start = 0
        blocks = 0
        for end in self._frames.block_ends(view):
            blocks += 1
            if blocks == BLOCKS_PER_STEP:
                yield self._d.decompress(view[start:end])
                start, blocks = end, 0
        if start < len(view):
            yield self._d.decompress(view[start:])

    def close(self) -> None:
        if self._d is None:
            return
        ended = self._frames.at_frame_end if self._frames is not None else (self._between or self._d.eof)
        if not ended:
            raise InvalidArgument(f"truncated {self.kind} data: the stream ended early")


class _ZstdFrames:
    """Walks a zstd stream's frame and block headers (RFC 8878) without
    decoding them: where each block ends, and whether the input stopped at
    the end of a frame."""

    MAGIC, DESCRIPTOR, HEADER, BLOCK, CHECKSUM, SKIP_SIZE = range(6)
    _SKIPPABLE_LOW = 0x184D2A50  # 0x184D2A50..5F: skippable frames (metadata, no data)

    def __init__(self):
        self._state = self.MAGIC
        self._want = 4          # header bytes the state needs
        self._head = b""        # of those, gathered so far
        self._skip = 0          # bytes to pass: a block's body, a skippable frame
        self._in_block = False  # the bytes skipped are a block's: its end counts
        self._checksum = False
        self._last = False
        self._seen = False      # at least one frame began

    @property
    def at_frame_end(self) -> bool:
        return self._seen and self._state == self.MAGIC and not self._head and not self._skip

    def block_ends(self, data: memoryview) -> Iterator[int]:
        """Offsets in data just past the end of each block."""
        pos, n = 0, len(data)
        while pos < n:
            if self._skip:
                step = min(self._skip, n - pos)
                pos += step
                self._skip -= step
                if not self._skip and self._in_block:
                    self._in_block = False
                    yield pos
                continue
            take = min(self._want - len(self._head), n - pos)
            self._head += data[pos:pos + take]
            pos += take
            if len(self._head) < self._want:
                return
            head, self._head = self._head, b""
            if self._parsed(head):
                yield pos  # an empty block ends where its header does

    def _parsed(self, head: bytes) -> bool:
        """Moves to the next state; True when an empty block just ended."""
        if self._state == self.MAGIC:
            self._seen = True
            if head == ZSTD_MAGIC:
                self._state, self._want = self.DESCRIPTOR, 1
            elif int.from_bytes(head, "little") & ~0xF == self._SKIPPABLE_LOW:
                self._state, self._want = self.SKIP_SIZE, 4
            else:
                raise InvalidArgument("corrupt zstd data: unknown frame magic number")
        elif self._state == self.DESCRIPTOR:
            fhd = head[0]
            if fhd & 0x08:
                raise InvalidArgument("corrupt zstd data: reserved bit set in a frame header")
            single = bool(fhd & 0x20)
            self._checksum = bool(fhd & 0x04)
            size = (0 if single else 1) + (0, 1, 2, 4)[fhd & 3] + ((1 if single else 0), 2, 4, 8)[fhd >> 6]
            self._state, self._want = (self.HEADER, size) if size else (self.BLOCK, 3)
        elif self._state == self.HEADER:
            self._state, self._want = self.BLOCK, 3
        elif self._state == self.BLOCK:
            value = int.from_bytes(head, "little")
            kind, size = (value >> 1) & 3, value >> 3
            if kind == 3:
                raise InvalidArgument("corrupt zstd data: reserved block type")
            self._last = bool(value & 1)
            self._skip = 1 if kind == 1 else size  # an RLE block is one byte repeated `size` times
            self._in_block = True
            if self._last:
                self._state, self._want = (self.CHECKSUM, 4) if self._checksum else (self.MAGIC, 4)
            if not self._skip:
                self._in_block = False
                return True
        elif self._state == self.CHECKSUM:
            self._state, self._want = self.MAGIC, 4
        elif self._state == self.SKIP_SIZE:
            self._skip = int.from_bytes(head, "little")
            self._state, self._want = self.MAGIC, 4
        return False
