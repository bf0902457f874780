"""pause/unpause through the cgroup freezer."""
from common.errors import FailedPrecondition
from services.runtime.store import Record


class PauseMixin:
    def pause(self, ref: str) -> Record:
        rec = self.get(ref)
        if rec.status == "paused":
            raise FailedPrecondition(f"container {rec.name} is already paused")
        if rec.status != "running":
            raise FailedPrecondition(f"container {rec.name} is not running")
        self.cgroups.freeze(rec.id)
        with self.store.lock:
            rec.status = "paused"
            self.store.save(rec)
        self.emit_container(rec, "pause")
        return rec

    def resume(self, ref: str) -> Record:
        rec = self.get(ref)
        if rec.status != "paused":
            raise FailedPrecondition(f"container {rec.name} is not paused")
        self._thaw(rec)
        self.emit_container(rec, "unpause")
        return rec

    def _thaw(self, rec: Record) -> None:
        self.cgroups.thaw(rec.id)
        with self.store.lock:
            if rec.status == "paused":
                rec.status = "running"
                self.store.save(rec)
