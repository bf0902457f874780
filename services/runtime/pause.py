"""pause/unpause through the cgroup freezer.

A pause undoes itself when it cannot be recorded (a full disk): the
container is thawed again and the error goes back, never a frozen container
the record calls running. An unpause needs no space: the thaw is done and
the record written when it can be (Store.save's freeing saves)."""
import logging

from common.errors import FailedPrecondition
from services.runtime.state import RuntimeState
from services.runtime.store import Record

log = logging.getLogger("doca.runtime.pause")


class PauseMixin(RuntimeState):
    def pause(self, ref: str) -> Record:
        rec = self.get(ref)
        if rec.status == "paused":
            raise FailedPrecondition(f"container {rec.name} is already paused")
        if rec.status != "running":
            raise FailedPrecondition(f"container {rec.name} is not running")
        try:
            self.cgroups.freeze(rec.id)  # may time out half frozen: thawed below too
            with self.store.lock:
                rec.status = "paused"
                self.store.save(rec, freeing=False)
        except BaseException:
            with self.store.lock:
                if rec.status == "paused":
                    rec.status = "running"
            try:
                self.cgroups.thaw(rec.id)
            except Exception as e:  # noqa: BLE001 - the first error is the one to report
                log.warning("thawing %s after a failed pause: %s", rec.id[:12], e)
            raise
        self.emit_container(rec, "pause")
        return rec

    def resume(self, ref: str) -> Record:
        rec = self.get(ref)
        if rec.status != "paused":
            raise FailedPrecondition(f"container {rec.name} is not paused")
        self._thaw(rec)
        self.emit_container(rec, "unpause")
        return rec

    def thaw_to_end(self, rec: Record) -> None:
        """Before a stop or a kill that must end it: a frozen process acts
        on no signal. A paused container is unpaused; a running one is
        thawed if its freezer holds it all the same (a pause cut short)."""
        if rec.status == "paused":
            self._thaw(rec)
        elif rec.status == "running" and self.cgroups.frozen(rec.id):
            self.cgroups.thaw(rec.id)

    def settle_freezer(self, rec: Record) -> None:
        """At the runtime's start: a pause or an unpause the last one died
        in, between the freezer and the record. The record is what the
        client was told (a pause never acknowledged is undone)."""
        frozen = self.cgroups.frozen(rec.id)
        if rec.status == "running" and frozen:
            log.warning("thawing %s: frozen by a pause that was never recorded", rec.id[:12])
            self.cgroups.thaw(rec.id)
        elif rec.status == "paused" and not frozen:
            with self.store.lock:
                rec.status = "running"
                self.store.save(rec, freeing=True)

    def _thaw(self, rec: Record) -> None:
        self.cgroups.thaw(rec.id)
        with self.store.lock:
            if rec.status == "paused":
                rec.status = "running"
                self.store.save(rec, freeing=True)  # a thaw frees: it may not need space
