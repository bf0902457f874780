"""OCI start: the container's executor releases its held init. An exited
container is launched again first (same bundle, same pinned network
namespace). A container joining another's namespaces gets its first init
here (joined_ns.deferred); when the other is not running the start fails
as Docker's: the status stays, State.Error says why, ExitCode 128."""
import time

from common.errors import FailedPrecondition, InvalidArgument
from services.runtime import joined_ns
from services.runtime.create import START_ERRORS
from services.runtime.state import RuntimeState
from services.runtime.store import Record


class StartMixin(RuntimeState):
    def start(self, ref: str, launch_only: bool = False) -> Record:
        rec = self.get(ref)
        if rec.status in ("running", "paused"):
            return rec
        if rec.status in ("exited", "restarting") or joined_ns.waiting(rec):
            with self.store.lock:
                rec.manually_stopped = False
            try:
                self._launch(rec)
            except (FailedPrecondition, InvalidArgument) as e:
                self._start_failed(rec, e)
                raise
        if launch_only:  # held at the exec fifo: an attach comes first
            return rec
        self._release(rec)
        self.watch_policy(rec)
        return rec

    def _start_failed(self, rec: Record, e: Exception) -> None:
        """Docker's daemon keeps why a start failed in State.Error, and 128
        as the exit code unless one is there already; a program that cannot
        start sets its own (127 missing, 126 not runnable), as Docker's
        translateContainerdStartErr does."""
        with self.store.lock:
            rec.error = str(e)
            if getattr(e, "exit_code", None) in START_ERRORS:
                rec.exit_code = e.exit_code
            elif rec.exit_code == 0:
                rec.exit_code = 128
            self.store.save(rec, durable=False)

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
