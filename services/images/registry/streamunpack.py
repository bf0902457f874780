"""A layer unpacked from its bytes as they arrive (a pull), not from a file.

`unpack_stream` reads a plain tar front to back (plainstream.py: tarfile's
seekable mode on a forward-only file) and hands each member to the images
service's own unpacker (unpack.py: the same path checks, whiteouts,
ownership and modes), with file bodies written straight from the arriving
pieces instead of copy_file_range from a file.

`LayerStream` runs it in a thread of its own, fed through a bounded queue
by the thread that downloads the blob: the downloader hands over the
compressed chunks as they are (no copy), and this thread inflates them,
hashes the plain tar (the diff id) and unpacks it, so the two halves of
the work run side by side on two cores. No plain copy of a compressed
layer is ever written. The unpacked directory is only moved into place
(LayerStore.ensure_with) once the downloader says the blob matched its
digest and the tar its diff id; otherwise it is removed."""
import hashlib
import queue
import tarfile
import threading

from common.errors import InvalidArgument, ResourceExhausted, is_no_space
from services.images import decompress, writeback
from services.images import unpack as unpack_mod
from services.images.layers import LayerStore
from services.images.registry.plainstream import PlainStream
from common.tarlimits import BoundedTarInfo

CHUNK = 1 << 20
QUEUED = 4          # chunks (of up to fetch.CHUNK, 1 MiB) waiting for the unpacker: memory per layer;
                    # 2 to 16 measured alike (bench/registry.py)
WRITEBACK = 8 << 20  # a file's bytes between two writeback.start calls


class _StreamUnpacker(unpack_mod._Unpacker):  # the one unpacker, reading a stream
    def __init__(self, dest: str, tar: tarfile.TarFile, src: PlainStream):
        super().__init__(dest, -1, tar)  # no file descriptor to copy_file_range from
        self.src = src

    def _copy_body(self, fd: int, m: tarfile.TarInfo) -> None:
        if m.issparse():  # rare: tarfile fills the holes (its reader only moves forward too)
            super()._copy_body(fd, m)
            return
        done = 0
        while done < m.size:  # a large file goes to disk as it is written (writeback.py)
            n = self.src.copy_to(fd, m.offset_data + done, min(WRITEBACK, m.size - done))
            if n == 0:
                raise InvalidArgument(f"corrupt tar archive: {m.name} is truncated")
            if n == WRITEBACK:
                writeback.start(fd, done, n)
            done += n


def unpack_stream(f, dest) -> unpack_mod.Stats:
    """As unpack.unpack, from a PlainStream or a file object read once,
    front to back."""
    src = f if isinstance(f, PlainStream) else PlainStream(lambda: f.read(CHUNK))
    try:
        try:
            tar = tarfile.open(fileobj=src, mode="r:", tarinfo=BoundedTarInfo)
        except tarfile.ReadError as exc:
            raise InvalidArgument(f"the layer is not a tar archive ({exc})") from None
        return unpack_mod.run(_StreamUnpacker(str(dest), tar, src), tar)
    except (tarfile.TarError, OSError) as exc:
        unpack_mod.raise_as_layer_error(exc)


class _Inflating:
    """The blob's chunks (from `next_chunk`, None at the end) as plain tar
    pieces: the compression is recognised on the first bytes, the output
    hashed (the diff id). What goes wrong is kept in `error` and raised
    again on every later call."""

    def __init__(self, next_chunk):
        self._next_chunk = next_chunk
        self._head = b""
        self._pending = memoryview(b"")
        self._inflater: decompress.Inflater | None = None
        self._pieces = None  # what the inflater makes of the last chunk: bounded pieces, taken one by one
        self._hash = None
        self.compression: str | None = None
        self.ended = False      # the end of the input was seen
        self.error: BaseException | None = None

    @property
    def diff_id(self) -> str | None:
        """The plain tar's digest; None when the blob was not compressed
        (its own digest is its diff id)."""
        return None if self._hash is None else "sha256:" + self._hash.hexdigest()

    def __call__(self):
        if self.error is not None:
            raise self.error
        try:
            return self._next_piece()
        except BaseException as exc:
            self.error = exc
            raise

    def _next_piece(self):
        while True:
            if self._pieces is not None:
                piece = next(self._pieces, None)
                if piece is not None:
                    self._hash.update(piece)
                    return piece
                self._pieces = None
            if self._pending:
                if self._inflater is None:
                    piece, self._pending = self._pending, self._pending[:0]
                    return piece
                self._pieces, self._pending = self._inflater.inflate(self._pending), self._pending[:0]
                continue
            if self.ended:
                if self._inflater is not None:
                    self._inflater.close()  # a stream cut short is an error
                return b""
            chunk = self._next_chunk()
            if chunk is None:
                self.ended = True
                chunk = b""
            if self.compression is None:
                if not self.ended and len(self._head) + len(chunk) < decompress.MAGIC_LEN:
                    self._head += bytes(chunk)
                    continue
                if self._head:
                    chunk, self._head = self._head + bytes(chunk), b""
                self._start(decompress.detect(bytes(chunk[:decompress.MAGIC_LEN])))
            self._pending = memoryview(chunk)

    def _start(self, kind: str) -> None:
        self.compression = kind
        if kind != "none":
            self._inflater = decompress.Inflater(kind)
            self._hash = hashlib.sha256()

    def discard(self) -> None:
        """Takes the rest of the input without looking at it."""
        while not self.ended:
            self.ended = self._next_chunk() is None


class Refused(Exception):
    """The downloader found the blob or its tar wrong: drop the unpacked files."""


class LayerStream:
    """write() the blob's bytes as they come; end() says there are no more
    and gives the diff id; finish(ok) says whether every check passed and
    waits for the unpack. `unpacked` tells whether this stream made the
    layer (False: it was there already)."""

    def __init__(self, layers: LayerStore, chain_id: str, diff_id: str, parent: str | None):
        self._chunks: queue.Queue = queue.Queue(QUEUED)
        self._source = _Inflating(self._chunks.get)
        self._ended = False
        self._drained = threading.Event()   # the unpacker has had every byte
        self._verdict = threading.Event()
        self._ok = False
        self.error: BaseException | None = None
        self.unpacked = False
        self._thread = threading.Thread(target=self._run, args=(layers, chain_id, diff_id, parent),
                                        name="unpack-stream", daemon=True)
        self._thread.start()

    def _run(self, layers, chain_id, diff_id, parent) -> None:
        plain = PlainStream(self._source)
        try:
            def fill(dest):
                self.unpacked = True
                stats = unpack_stream(plain, dest)
                plain.drain()  # what follows the tar's end (padding), hashed too
                self._drained.set()
                self._verdict.wait()
                if not self._ok:
                    raise Refused()
                return stats
            layers.ensure_with(chain_id, diff_id, parent, fill)
        except BaseException as exc:  # noqa: BLE001 - handed to the downloader in finish()
            self.error = exc
        finally:
            # The downloader may still be sending (the layer was there already,
            # the tar is bad): the rest is still inflated and hashed, so that a
            # wrong diff id is told as such, or just taken when inflating failed.
            # Either way every chunk is taken: a put() never waits forever.
            # A full disk is the answer, though: inflating the rest (of a
            # bomb, maybe tens of GiB) would only delay saying so.
            try:
                if is_no_space(self.error) or isinstance(self.error, ResourceExhausted):
                    self._source.error = self.error
                    self._source.discard()
                else:
                    plain.drain()
            except BaseException:  # noqa: BLE001 - kept in self._source.error
                self._source.discard()
            finally:
                self._drained.set()

    def write(self, data) -> None:
        if not self._ended:
            self._chunks.put(data)

    def _close(self) -> None:
        if not self._ended:
            self._ended = True
            self._chunks.put(None)

    def end(self) -> str | None:
        """No more bytes: waits until the unpacker has inflated them all and
        returns the diff id (None: the blob is not compressed, its digest is
        the diff id); raises what inflating found wrong."""
        self._close()
        self._drained.wait()
        if self._source.error is not None:
            raise self._source.error
        return self._source.diff_id

    def finish(self, ok: bool) -> None:
        self._close()
        self._ok = ok
        self._verdict.set()
        self._thread.join()
        if ok and self.error is not None:
            raise self.error
