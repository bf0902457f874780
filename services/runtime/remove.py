"""delete: the processes, what the executor keeps, cgroups, pinned network
namespace, bundle and record, in that order. Safe to retry."""
import signal

from common import crashpoints
from common.errors import FailedPrecondition
from services.runtime import joined_ns, shim_client
from services.runtime.proc import signal_process
from services.runtime.state import RuntimeState
from services.runtime.store import ACTIVE


class RemoveMixin(RuntimeState):
    def remove(self, ref: str, force: bool) -> None:
        rec = self.get(ref)
        if rec.status in ("running", "paused", "restarting") and not force:
            raise FailedPrecondition(
                f"cannot remove container {rec.name}: container is running: stop the container before removing or force remove")
        with self.store.lock:
            rec.manually_stopped = True
            rec.removing = True
        if rec.status in ACTIVE and not joined_ns.waiting(rec):  # an init to end first
            signal_process(rec.pid, signal.SIGKILL)
            if rec.status != "created":
                self.emit_container(rec, "kill", signal=int(signal.SIGKILL))
            self.thaw_to_end(rec)  # SIGKILL takes effect once thawed
            shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(rec.id), 30)
            self.refresh(rec)
        self.executor_of(rec).delete(rec.id, self.store.dir(rec.id))
        self.cgroups.destroy(rec.id)
        crashpoints.reached("runtime.remove.cgroups")
        self.netns.release(rec.id)
        self.store.drop(rec.id)
        self.emit_container(rec, "destroy")
