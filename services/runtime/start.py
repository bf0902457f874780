"""OCI start: the container's executor releases its held init. An exited
container is launched again first (same bundle, same pinned network
namespace)."""
import time

from services.runtime.state import RuntimeState
from services.runtime.store import Record


class StartMixin(RuntimeState):
    def start(self, ref: str, launch_only: bool = False) -> Record:
        rec = self.get(ref)
        if rec.status in ("running", "paused"):
            return rec
        if rec.status in ("exited", "restarting"):
            with self.store.lock:
                rec.manually_stopped = False
            self._launch(rec)
        if launch_only:  # held at the exec fifo: an attach comes first
            return rec
        self._release(rec)
        self.watch_policy(rec)
        return rec

    def _release(self, rec: Record) -> None:
        self.executor_of(rec).start(rec.id, rec.name, self.store.dir(rec.id), (rec.shim_pid, rec.shim_start))
        with self.store.lock:
            rec.status, rec.started_at = "running", time.time()
            # Not fsynced (under the store's lock, a burst of starts would wait
            # for each other's disk): "running" is derived again from the shim.
            self.store.save(rec, durable=False)
        self.watch_health(rec)
        self._started(rec)

    def _started(self, rec: Record) -> None:
        self.emit_volumes(rec, "mount")
        self.emit_container(rec, "start")
        self.watch_exit(rec)
