"""A layer's plain tar as tarfile reads it during a pull: a file that only
moves forward, over pieces of bytes as they come (from the network,
inflated on the way: see streamunpack.py).

Why not tarfile's stream mode ("r|") on a pipe, as before: every byte then
crossed the pipe twice and was copied three more times in Python (the
stream's buffer joins and slices, the member reader's), with the GIL held
and fresh pages each time: ~110 ms of CPU per 100 MB pulled, as much as
both sha256 hashes (measured with perf, bench/registry.py). Here tarfile runs in its seekable mode ("r:"), which on
members read in order only ever seeks forward, on an object that skips
ahead instead of seeking; headers are small reads, and a file's body goes
from the piece it arrived in to its file with os.write (copy_to), never
copied in Python."""
import io
import os


class PlainStream:
    """`next_piece()` gives the next bytes-like piece, b"" at the end."""

    def __init__(self, next_piece):
        self._next_piece = next_piece
        self._piece = memoryview(b"")   # the part of the current piece not read yet
        self._pos = 0                   # bytes read or skipped so far
        self._eof = False

    def _more(self) -> bool:
        """Loads the next non-empty piece; False at the end."""
        while not self._piece:
            if self._eof:
                return False
            piece = self._next_piece()
            if not piece:
                self._eof = True
                return False
            self._piece = memoryview(piece).cast("B")
        return True

    def _take(self, n: int) -> memoryview:
        """Up to n bytes of the current piece (none at the end)."""
        if not self._more():
            return self._piece[:0]
        part, self._piece = self._piece[:n], self._piece[n:]
        self._pos += len(part)
        return part

    # -- what tarfile uses ------------------------------------------------
    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1 << 62
        parts = []
        while size > 0 and (part := self._take(size)):
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset + (self._pos if whence == io.SEEK_CUR else 0)
        if whence not in (io.SEEK_SET, io.SEEK_CUR) or target < self._pos:
            raise io.UnsupportedOperation("a streamed layer is only read forward")
        while self._pos < target and self._take(target - self._pos):
            pass
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # forward only: tarfile's "r:" mode never asks for more

    # -- what the unpacker uses -------------------------------------------
    def copy_to(self, fd: int, offset: int, size: int) -> int:
        """Writes `size` bytes found at `offset` (not behind) to fd, straight
        from the pieces; returns how many there were (fewer: the end came)."""
        self.seek(offset)
        done = 0
        while done < size:
            if not self._more():
                break
            view = self._piece[:size - done]
            n = os.write(fd, view)
            self._piece = self._piece[n:]
            self._pos += n
            done += n
        return done

    def drain(self) -> None:
        """Reads to the end (what follows the tar's end: padding)."""
        while self._more():
            self._pos += len(self._piece)
            self._piece = self._piece[:0]
