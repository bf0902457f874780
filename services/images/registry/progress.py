"""Progress of a pull or push as a stream of events, one line per layer as
`docker pull` shows them ("Downloading 12.3MB/50MB", "Pull complete").

The work runs in a thread of its own and reports into a queue; the RPC's
generator yields what arrives. Byte counters are sent at most every
INTERVAL per layer (and always at the end), so a fast transfer does not
drown the stream. When the client goes away the generator is closed and
the work is told to stop (`cancelled`)."""
import contextlib
import dataclasses
import logging
import queue
import threading
import time

from common.errors import DocaError, Internal

INTERVAL = 0.1
log = logging.getLogger("doca.images.registry")


class Cancelled(DocaError):
    code = "CANCELLED"


@dataclasses.dataclass
class Event:
    id: str = ""            # a layer's short digest; "" for the whole image
    status: str = ""
    current: int = 0
    total: int = 0
    digest: str = ""        # last event: the manifest digest
    image_id: str = ""      # last event of a pull: the image id
    reference: str = ""     # last event: the reference pulled or pushed


class Progress:
    def __init__(self, emit=None):
        self._emit = emit or (lambda e: None)
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.cancelled = threading.Event()
        self._on_cancel: list = []

    def cancel(self) -> None:
        """Stops the work: checks fail from now on, and reads blocked on a
        stalled connection are broken off (on_cancel callbacks)."""
        self.cancelled.set()
        with self._lock:
            callbacks = list(self._on_cancel)
        for fn in callbacks:
            with contextlib.suppress(OSError):
                fn()

    @contextlib.contextmanager
    def on_cancel(self, fn):
        with self._lock:
            self._on_cancel.append(fn)
        if self.cancelled.is_set():
            with contextlib.suppress(OSError):
                fn()
        try:
            yield
        finally:
            with self._lock:
                self._on_cancel.remove(fn)

    def check(self) -> None:
        if self.cancelled.is_set():
            raise Cancelled("cancelled: the client went away")

    def status(self, id_: str, status: str, current: int = 0, total: int = 0) -> None:
        self._emit(Event(id=id_, status=status, current=current, total=total))

    def bytes(self, id_: str, status: str, current: int, total: int) -> None:
        now = time.monotonic()
        with self._lock:
            if current < total and now - self._last.get(id_, 0.0) < INTERVAL:
                return
            self._last[id_] = now
        self._emit(Event(id=id_, status=status, current=current, total=total))

    def done(self, **fields) -> None:
        self._emit(Event(**fields))


_END = object()


def stream(work, context=None):
    """Yields the Events that work(progress) reports, then its own; the
    work's error is raised here, in the RPC's thread. The work is cancelled
    when the RPC ends early (`context`, a grpc.ServicerContext)."""
    q: queue.Queue = queue.Queue()
    progress = Progress(q.put)
    if context is not None:
        context.add_callback(progress.cancel)
    failure: list[BaseException] = []

    def run():
        try:
            work(progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the RPC thread
            failure.append(exc)
        finally:
            q.put(_END)
    t = threading.Thread(target=run, name="registry-transfer", daemon=True)
    t.start()
    try:
        while (item := q.get()) is not _END:
            yield item
    finally:
        progress.cancel()  # a no-op when the work is over
    t.join()
    if failure:
        exc = failure[0]
        if isinstance(exc, DocaError):
            raise exc
        log.error("transfer failed", exc_info=exc)
        raise Internal(f"{type(exc).__name__}: {exc}") from exc
