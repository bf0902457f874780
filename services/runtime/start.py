"""OCI start: the container's executor releases its held init. An exited
container is launched again first (same bundle, same pinned network
namespace). A container joining another's namespaces gets its first init
here (joined_ns.deferred); when the other is not running the start fails
as Docker's: the status stays, State.Error says why, ExitCode 128 (127
or 126 when the program cannot start: the held init looks it up again when
released, and the container is taken back to what it was)."""
import signal
import time

from common.errors import FailedPrecondition, InvalidArgument
from services.runtime import joined_ns, propagation, shim_client
from services.runtime.proc import signal_process
from services.runtime.create import START_ERRORS
from services.runtime.state import RuntimeState
from services.runtime.store import Record


class StartMixin(RuntimeState):
    def start(self, ref: str, launch_only: bool = False) -> Record:
        rec = self.get(ref)
        if rec.status in ("running", "paused"):
            return rec
        was, finished = rec.status, rec.finished_at
        try:
            propagation.check(rec.spec.mounts)  # Docker's daemon's check, at each start
        except FailedPrecondition as e:
            self._start_failed(rec, e)
            raise
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
        try:
            self._release(rec)
        except InvalidArgument as e:
            if e.exit_code not in START_ERRORS:
                raise
            with self.store.lock:  # as Docker's: the status stays, and when it last finished
                rec.status = was if was in ("created", "exited") else "exited"
                rec.finished_at = finished
            self._start_failed(rec, e)
            raise
        self.watch_policy(rec)
        return rec

    def _unlaunch(self, rec: Record) -> None:
        """The held init found at start that its program cannot start (it
        waits, killed here): the container goes back to created without an
        init (joined_ns.waiting), its next start launches it afresh. The
        record lets go of the shim first, so that no look at it meanwhile
        takes the init's end for the container's exit."""
        with self.store.lock:
            pid, shim = rec.pid, (rec.shim_pid, rec.shim_start)
            rec.pid = rec.shim_pid = rec.shim_start = 0
            self.store.save(rec, durable=False)
        signal_process(pid, signal.SIGKILL)
        d = self.store.dir(rec.id)
        shim_client.wait_exit(*shim, d, 30)
        (d / "exit.json").unlink(missing_ok=True)

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
        try:
            self.executor_of(rec).start(rec.id, rec.name, self.store.dir(rec.id), (rec.shim_pid, rec.shim_start))
        except InvalidArgument as e:
            if e.exit_code in START_ERRORS:
                self._unlaunch(rec)
            raise
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
