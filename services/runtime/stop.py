"""kill, wait and stop (the stop signal, a grace period, then SIGKILL)."""
import signal

from common.errors import FailedPrecondition, Internal
from services.runtime import joined_ns, shim_client, signals
from services.runtime.proc import signal_process
from services.runtime.state import RuntimeState
from services.runtime.store import ACTIVE, Record

DEFAULT_STOP_TIMEOUT = 10
KILL_WAIT = 30  # seconds for a SIGKILLed container to be gone


class StopMixin(RuntimeState):
    def kill(self, ref: str, sig_name: str) -> None:
        rec = self.get(ref)
        sig = signals.parse(sig_name)
        if rec.status not in ("running", "paused"):
            raise FailedPrecondition(f"cannot kill container {rec.name}: container is not running")
        signal_process(rec.pid, sig)
        self.emit_container(rec, "kill", signal=int(sig))
        if rec.status == "paused":  # as Docker's: resumed after the signal, which it then acts on
            self._thaw(rec)
            self.emit_container(rec, "unpause")

    def wait(self, ref: str, cancelled=lambda: False) -> Record:
        """Until the container's process exits (a restart policy may start
        it again afterwards, as with `docker wait`)."""
        rec = self.get(ref)
        # A created one without an init returns at once, as Docker's; one whose init is held waits for
        # it (an attach's start, the Docker API's next-exit wait before run's start). Docker's
        # not-running condition (docker wait) is the CLI's: it answers a created one at once.
        while rec.status in ACTIVE and not joined_ns.waiting(rec):
            if not shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(rec.id), None, cancelled):
                return rec
            rec = self.refresh(rec)
        return rec

    def stop(self, ref: str, timeout: int, signal_name: str = "") -> Record:
        """`signal_name`: in place of the container's stop signal (docker stop --signal)."""
        rec = self.get(ref)
        with self.store.lock:
            rec.manually_stopped = True  # no restart policy brings it back
            if rec.status == "restarting":
                rec.status = "exited"
            self.store.save(rec)
        if rec.status not in ("running", "paused"):
            # created: nothing runs (its init, if made, waits for start), so it stays created, as Docker's
            return rec
        started = rec.status != "created"
        try:
            return self._stop(rec, timeout, signal_name)
        finally:
            if started:
                self.emit_container(rec, "stop")

    def _stop(self, rec: Record, timeout: int, signal_name: str = "") -> Record:
        if timeout < 0:
            timeout = DEFAULT_STOP_TIMEOUT if rec.spec.stop_timeout is None else rec.spec.stop_timeout
        self.thaw_to_end(rec)  # a frozen process cannot act on its stop signal
        d = self.store.dir(rec.id)
        if rec.status == "running":
            sig = signals.parse(signal_name or rec.spec.stop_signal, signal.SIGTERM)
            signal_process(rec.pid, sig)
            self.emit_container(rec, "kill", signal=int(sig))
            if shim_client.wait_exit(rec.shim_pid, rec.shim_start, d, timeout):
                return self.refresh(rec)
        signal_process(rec.pid, signal.SIGKILL)
        if rec.status != "created":
            self.emit_container(rec, "kill", signal=int(signal.SIGKILL))
        shim_client.wait_exit(rec.shim_pid, rec.shim_start, d, KILL_WAIT)
        rec = self.refresh(rec)
        if rec.status in ACTIVE:  # never "stopped" while it runs
            raise Internal(f"container {rec.name} did not exit {KILL_WAIT} s after SIGKILL "
                           "(a process stuck in the kernel?); try again, or see the runtime log")
        return rec
