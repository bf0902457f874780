"""Intent records: what a multi-service flow of the gateway is doing, on disk
before its first step and gone after its last, as containerd's leases hold
what a client is making.

A create takes a snapshot, volumes, ports and a runtime record from four
services; only the gateway knows they belong together until the runtime
has the container. If the gateway dies half-way, the record it left says
which container id to roll back (reconcile.py, at the next start); while it
lives, the same record keeps a flow's resources safe from the orphan sweep.

    <root>/gateway/intents/<flow>-<container id>-<nonce>.json   {"flow", "container", "started", ...}

Written without fsync: they guard against a killed process (the page cache
survives it); after a power loss the orphan sweep finds what is left.
"""
import contextlib
import logging
import os
import pathlib
import threading
import time

from common import atomic

log = logging.getLogger("doca.gateway.intents")
CREATE, REMOVE, COMMIT = "create", "remove", "commit"
# An undo call waits this long for its service: one killed meanwhile is
# started again by `doca daemon` within seconds; past it, the intent stays
# and the reconciler tries again.
UNDO_WAIT = 20.0


class Intent:
    def __init__(self, journal: "Journal", flow: str, container: str, data: dict,
                 path: pathlib.Path | None = None):
        self.journal = journal
        self.flow = flow
        self.container = container
        self.data = data
        # Unique: two commits of one container are two intents.
        self.path = path or journal.dir / f"{flow}-{container}-{os.urandom(4).hex()}.json"

    def note(self, **data) -> None:
        """Records a step the roll-back or the finish must know of."""
        self.data.update(data)
        self._write()

    def _write(self) -> None:
        atomic.write_json(self.path, {"flow": self.flow, "container": self.container, **self.data},
                          durable=False)

    def park(self) -> None:
        """Its flow gave up (an undo step failed): the record stays on disk
        for the reconciler, which no longer sees it as in progress."""
        self.journal._forget(self)
        self.journal.on_park()

    def done(self) -> None:
        self.path.unlink(missing_ok=True)
        self.journal._forget(self)


class Journal:
    def __init__(self, directory: pathlib.Path):
        self.dir = pathlib.Path(directory)
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.remove_temporaries(self.dir)
        self._lock = threading.Lock()
        self._active: dict[str, Intent] = {}  # path name -> intent, of this process
        self._begun: list[set[str]] = []  # containers whose flows began, per running sweep
        self.on_park = lambda: None  # the reconciler's wake-up

    def begin(self, flow: str, container: str, required: bool = True, **data) -> Intent:
        """`required=False`: a flow that frees space (remove) goes on when
        the record cannot be written (a full disk); it is only retried by
        hand then, as before intents."""
        intent = Intent(self, flow, container, {"started": time.time(), "pid": os.getpid(), **data})
        with self._lock:
            self._active[intent.path.name] = intent
            for begun in self._begun:
                begun.add(container)
        try:
            intent._write()
        except OSError as e:
            if required:
                self._forget(intent)
                raise
            log.warning("no intent record for the %s of %s: %s", flow, container[:12], e)
        except BaseException:
            self._forget(intent)
            raise
        return intent

    def _forget(self, intent: Intent) -> None:
        with self._lock:
            self._active.pop(intent.path.name, None)

    @contextlib.contextmanager
    def watching(self):
        """Yields the set of containers whose flows begin from now on, while
        the block runs: with busy() read at its end, it covers a flow that
        began and ended inside the block (the orphan sweep)."""
        begun: set[str] = set()
        with self._lock:
            self._begun.append(begun)
        try:
            yield begun
        finally:
            with self._lock:
                self._begun.remove(begun)

    def busy(self) -> set[str]:
        """Containers a flow of this process is working on now."""
        with self._lock:
            return {i.container for i in self._active.values()}

    def left_over(self) -> list[Intent]:
        """Records no flow of this process is working on: an earlier gateway
        died during them, or their undo failed and is due again."""
        with self._lock:
            mine = set(self._active)
        out = []
        for path in sorted(self.dir.glob("*.json")):
            if path.name in mine:
                continue
            rec = atomic.read_json(path)
            if not isinstance(rec, dict) or not rec.get("flow") or not rec.get("container"):
                path.unlink(missing_ok=True)  # unreadable: nothing to act on
                continue
            extra = {k: v for k, v in rec.items() if k not in ("flow", "container")}
            out.append(Intent(self, rec["flow"], rec["container"], extra, path))
        return out
