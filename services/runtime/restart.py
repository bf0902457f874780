"""Restart policies (Docker's --restart): a monitor thread per container
with a policy waits for its exit and launches it again after a back-off
that doubles from 100 ms (up to a minute) and resets once a run lasted 10 s.
Honoured across restarts of the runtime: restore_policies() at start."""
import logging
import threading

from common.errors import NotFound
from services.runtime import joined_ns, shim_client
from services.runtime.state import RuntimeState
from services.runtime.store import ACTIVE, Record

log = logging.getLogger("doca.runtime.restart")
POLICIES = ("always", "unless-stopped", "on-failure")
FIRST_DELAY, MAX_DELAY, STEADY_RUN = 0.1, 60.0, 10.0


def policy_of(rec: Record) -> tuple[str, int]:
    p = rec.spec.restart_policy
    return p.name or "no", p.maximum_retry_count


class RestartMixin(RuntimeState):
    def will_restart(self, rec: Record) -> bool:
        name, maximum = policy_of(rec)
        if rec.removing or rec.manually_stopped or rec.status not in ("exited", "restarting"):
            return False
        if name in ("always", "unless-stopped"):
            return True
        if name == "on-failure":
            return rec.exit_code != 0 and (maximum == 0 or rec.restart_count < maximum)
        return False

    def watch_policy(self, rec: Record) -> None:
        if policy_of(rec)[0] not in POLICIES:
            return
        with self.store.lock:
            if rec.id in self.policy_watching:
                return
            self.policy_watching.add(rec.id)
        threading.Thread(target=self._monitor, args=(rec.id,), name=f"restart-{rec.id[:12]}",
                         daemon=True).start()

    def restore_policies(self) -> None:
        """At service start: watch every container with a policy; "always"
        starts again even after a manual stop, as Docker's daemon does."""
        for rec in self.store.all():
            name, _ = policy_of(rec)
            if name == "always" and rec.status == "exited" and not rec.removing:
                with self.store.lock:
                    rec.manually_stopped = False
            if (rec.status in ACTIVE and not joined_ns.waiting(rec)) or self.will_restart(rec):
                self.watch_policy(rec)

    def _monitor(self, cid: str) -> None:
        delay = FIRST_DELAY
        try:
            while not self.closing.is_set():
                try:
                    rec = self.store.get(cid)
                except NotFound:
                    return
                if rec.status in ACTIVE:
                    shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(cid), None,
                                          self.closing.is_set)
                    if self.closing.is_set():
                        return
                    rec = self.refresh(rec)
                    if rec.status in ACTIVE:
                        # Launched again meanwhile, or its shim died and what is
                        # left of it could not be killed yet: look again.
                        if self.closing.wait(0.5):
                            return
                        continue
                if not self.will_restart(rec):
                    return
                if rec.finished_at - rec.started_at >= STEADY_RUN:
                    delay = FIRST_DELAY
                with self.store.lock:
                    rec.status = "restarting"
                    self.store.save(rec)
                if self.closing.wait(delay):
                    return  # the next start of the service resumes the policy
                delay = min(delay * 2, MAX_DELAY)
                with self.store.lock:
                    if rec.removing or rec.manually_stopped or rec.status != "restarting":
                        return
                try:
                    self._launch(rec)
                    self._release(rec)
                except Exception as e:  # noqa: BLE001 - a failed restart is retried after the back-off
                    log.warning("restart of %s failed: %s", cid[:12], e)
                    with self.store.lock:
                        rec.status, rec.error = "exited", str(e)
                        self.store.save(rec)
                    continue
                with self.store.lock:
                    rec.restart_count += 1
                    self.store.save(rec)
                log.info("restarted %s (%s, restart %d)", cid[:12], policy_of(rec)[0], rec.restart_count)
        finally:
            with self.store.lock:
                self.policy_watching.discard(cid)
