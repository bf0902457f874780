"""A layer unpacked from its bytes as they arrive (a pull), not from a file.

`unpack_stream` reads a plain tar from a file object in tarfile's stream
mode and hands each member to the images service's own unpacker (unpack.py:
the same path checks, whiteouts, ownership and modes), with file bodies
copied from the stream instead of copy_file_range from a file.

`LayerStream` runs it in a thread of its own, fed through a pipe by the
thread that downloads the blob: the layer is unpacked while its bytes come
in, and no plain copy of a compressed layer is ever written. The unpacked
directory is only moved into place (LayerStore.ensure_with) once the
downloader says the blob matched its digest and the tar its diff id;
otherwise it is removed."""
import errno
import fcntl
import os
import tarfile
import threading

from common.errors import InvalidArgument, ResourceExhausted
from services.images import unpack as unpack_mod
from services.images.layers import LayerStore

CHUNK = 1 << 20
PIPE_SIZE = 1 << 20
F_SETPIPE_SZ = 1031


class _StreamUnpacker(unpack_mod._Unpacker):  # the one unpacker, reading a stream
    def _copy_body(self, fd: int, m: tarfile.TarInfo) -> None:
        with self.tar.extractfile(m) as body:
            left = m.size
            while left:
                data = body.read(min(CHUNK, left))
                if not data:
                    raise InvalidArgument(f"corrupt tar archive: {m.name} is truncated")
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                left -= len(data)


def unpack_stream(f, dest) -> unpack_mod.Stats:
    """As unpack.unpack, from a file object read once, front to back."""
    try:
        try:
            tar = tarfile.open(fileobj=f, mode="r|", bufsize=CHUNK)
        except tarfile.ReadError as exc:
            raise InvalidArgument(f"the layer is not a tar archive ({exc})") from None
        u = _StreamUnpacker(str(dest), -1, tar)
        while (member := tar.next()) is not None:
            u.add(member)
            tar.members.clear()
        u.finish()
        return u.stats
    except tarfile.TarError as exc:
        raise InvalidArgument(f"corrupt tar archive: {exc}") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ResourceExhausted(f"no space left to unpack the layer: {exc}") from None
        raise InvalidArgument(f"cannot unpack the layer: {exc}") from None


class Refused(Exception):
    """The downloader found the blob or its tar wrong: drop the unpacked files."""


class LayerStream:
    """write() the layer's plain tar bytes; finish(ok) says whether they were
    right and waits for the unpack. `unpacked` tells whether this stream
    made the layer (False: it was there already)."""

    def __init__(self, layers: LayerStore, chain_id: str, diff_id: str, parent: str | None):
        r, w = os.pipe()
        try:
            fcntl.fcntl(w, F_SETPIPE_SZ, PIPE_SIZE)  # fewer wake-ups; the default is 64 KiB
        except OSError:
            pass
        self._out = os.fdopen(w, "wb", buffering=0)
        self._verdict = threading.Event()
        self._ok = False
        self.error: BaseException | None = None
        self.unpacked = False
        self._thread = threading.Thread(target=self._run, args=(layers, chain_id, diff_id, parent, r),
                                        name="unpack-stream", daemon=True)
        self._thread.start()

    def _run(self, layers, chain_id, diff_id, parent, r) -> None:
        try:
            with os.fdopen(r, "rb", buffering=CHUNK) as f:
                def fill(dest):
                    self.unpacked = True
                    stats = unpack_stream(f, dest)
                    while f.read(CHUNK):  # what follows the tar's end (padding)
                        pass
                    self._verdict.wait()
                    if not self._ok:
                        raise Refused()
                    return stats
                layers.ensure_with(chain_id, diff_id, parent, fill)
        except BaseException as exc:  # noqa: BLE001 - handed to the downloader in finish()
            self.error = exc

    def write(self, data) -> None:
        if self._out.closed:
            return
        try:
            view = memoryview(data)
            while view:
                view = view[self._out.write(view):]
        except BrokenPipeError:
            # The reader stopped: the layer was there already, or the tar is bad
            # (finish() raises that); the rest of the bytes only go to the blob.
            self._out.close()

    def finish(self, ok: bool) -> None:
        if not self._out.closed:
            self._out.close()
        self._ok = ok
        self._verdict.set()
        self._thread.join()
        if ok and self.error is not None:
            raise self.error
