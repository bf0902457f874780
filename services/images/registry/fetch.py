"""A blob from a registry, streamed into the content store.

Bytes go straight from the socket into an ingest file (content.Writer),
hashed as they arrive; a blob that grows past its descriptor's size is cut
off at once, and one whose digest does not match is refused at its last
byte, so nothing wrong is ever committed. A layer is unpacked in the same
pass: the same bytes go on to a thread that inflates them (hashing them
again: the diff id) and unpacks them as they come (streamunpack.py), and
the unpacked layer is kept only if every check passed.

A connection cut mid-blob is resumed with a Range request (a registry that
ignores Range sends the blob again from the start), up to ATTEMPTS times.

Two pulls wanting the same blob take turns on a per-digest lock: the second
finds it committed and fetches nothing."""
import socket

from urllib3.exceptions import HTTPError

from common import crashpoints
from common.errors import InvalidArgument, Unavailable
from services.images import counters, writeback
from services.images.content import ContentStore
from services.images.keyedlock import KeyedLocks
from services.images.registry import auth
from services.images.registry.client import RegistryClient, Response
from services.images.registry.errors import Corrupt

CHUNK = 1 << 20
WRITEBACK = 4 << 20  # ingest bytes between two writeback.start calls
ATTEMPTS = 3
_locks = KeyedLocks()


def blob_lock(content: ContentStore, digest: str):
    """Held while one blob is fetched into one store."""
    return _locks.hold(f"{content.root}\0{digest}")


class Sink:
    """Where a blob's bytes go: its ingest file, and when `unpacker` is given
    (a function making a streamunpack.LayerStream) also, as they are, to
    the layer being unpacked meanwhile (which inflates them)."""

    def __init__(self, content: ContentStore, digest: str, unpacker=None):
        self.writer = content.writer(digest)
        self.digest = digest
        self.stream = unpacker() if unpacker is not None else None
        self.diff_id: str | None = None
        self._written_back = 0  # bytes of the ingest file already on their way to disk

    @property
    def size(self) -> int:
        return self.writer.size

    def write(self, data: bytes) -> None:
        self.writer.write(data)
        counters.add(counters.PULLED_BYTES, len(data))
        if self.size - self._written_back >= WRITEBACK:
            # To disk as it arrives: the fsync at the end (finish) then waits
            # for little (measured: 30-70 ms saved on a 100 MB pull).
            writeback.start(self.writer.fileno(), self._written_back, self.size - self._written_back)
            self._written_back = self.size
        if self.stream is not None:
            self.stream.write(data)  # the same bytes object: never copied

    def finish(self, where: str, diff_id: str | None = None) -> None:
        """Checks the digest, then (when unpacking) that the compressed
        stream ended well and the tar is `diff_id`, and waits for the unpack
        to end: only a layer whose every check passed is moved into place."""
        crashpoints.reached("images.pull.blob")
        try:
            self.writer.finish()
        except InvalidArgument as exc:
            got = str(exc).partition(", got ")[2].partition(";")[0]
            raise Corrupt(f"blob {self.digest} from {where} does not match its digest (its bytes are "
                          f"{got or 'something else'}): refused, nothing stored") from None
        if self.stream is None:
            return
        self.diff_id = self.stream.end() or self.digest
        if diff_id is not None and self.diff_id != diff_id:
            raise Corrupt(f"layer {self.digest} from {where} is {self.diff_id} once uncompressed; the image "
                          f"config says {diff_id}: refused, nothing stored")
        stream, self.stream = self.stream, None
        try:
            stream.finish(True)
        except BaseException:
            self.stream = stream  # abort() drops the rest
            raise

    def abort(self) -> None:
        self.writer.abort()
        if self.stream is not None:
            self.stream.finish(False)
            self.stream = None


def download(client: RegistryClient, repo: str, desc: dict, make_sink, progress, id_: str,
             diff_id: str | None = None) -> Sink:
    """Fetches the blob into a fresh Sink (make_sink()); returns it finished
    (checked, and its layer unpacked when it unpacks; not committed). The
    caller commits or aborts it."""
    digest, size = desc["digest"], int(desc["size"])
    scopes = (auth.scope(repo, "pull"),)
    where = f"{client.host}/{repo}"
    sink = make_sink()
    try:
        for attempt in range(1, ATTEMPTS + 1):
            progress.check()
            headers = {"Range": f"bytes={sink.size}-"} if sink.size else {}
            try:
                resp = client.request("GET", f"/v2/{repo}/blobs/{digest}", scopes, headers=headers, stream=True)
            except Unavailable:
                if attempt == ATTEMPTS:
                    raise
                continue
            if isinstance(resp, Response):
                raise client.fail(resp, f"blob {digest} of {repo}")
            if sink.size and resp.status != 206:
                sink.abort()  # the Range was ignored: start again
                sink = make_sink()
            with progress.on_cancel(lambda: _break_off(resp)):
                _receive(resp, sink, size, where, digest, progress, id_)
            if sink.size == size:
                break
        else:
            raise Corrupt(f"the download of blob {digest} from {where} was cut short after {sink.size} of "
                          f"{size} bytes, {ATTEMPTS} times: refused, nothing stored")
        progress.status(id_, "Download complete")
        sink.finish(where, diff_id)
        return sink
    except BaseException:
        sink.abort()
        raise


def _break_off(resp) -> None:
    """Unblocks a read stuck on a stalled connection (from another thread)."""
    conn = getattr(resp, "connection", None)
    sock = getattr(conn, "sock", None)
    if sock is not None:
        sock.shutdown(socket.SHUT_RDWR)


def _receive(resp, sink: Sink, size: int, where: str, digest: str, progress, id_: str) -> None:
    """Copies the response body into the sink; a connection that breaks
    before the end just ends it (the caller resumes)."""
    ok = False
    try:
        while data := resp.read(CHUNK, decode_content=False):
            sink.write(data)
            if sink.size > size:
                raise Corrupt(f"blob {digest} from {where} is longer than the {size} bytes its manifest "
                              "says: refused, nothing stored")
            progress.bytes(id_, "Downloading", sink.size, size)
            progress.check()
        ok = True
    except HTTPError:
        pass  # cut short, timed out: resumed by the caller
    finally:
        if not ok:
            resp.close()
        resp.release_conn()
