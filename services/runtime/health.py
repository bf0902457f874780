"""Health checks (Docker's HEALTHCHECK): a thread per running container with
a check runs it through exec every interval, with a timeout; `retries`
failures in a row make the container unhealthy; failures within the start
period do not count. The last five results are kept, as Docker does."""
import logging
import threading
import time

from common.errors import FailedPrecondition, NotFound
from services.runtime.state import RuntimeState
from services.runtime.store import Record

log = logging.getLogger("doca.runtime.health")
DEFAULTS = {"interval": 30.0, "timeout": 30.0, "retries": 3, "start_period": 0.0}
KEEP = 5
OUTPUT_MAX = 4096


def check_of(rec: Record) -> dict | None:
    hc = rec.spec.healthcheck
    test = list(hc.test)
    if not test or test[0] == "NONE":
        return None
    if test[0] == "CMD":
        args = test[1:]
    elif test[0] == "CMD-SHELL":
        args = ["/bin/sh", "-c", " ".join(test[1:])]
    else:
        args = test
    if not args:
        return None

    def seconds(key):
        value = getattr(hc, key)
        return value / 1e9 if value else DEFAULTS[key]
    return {"args": args, "interval": seconds("interval"), "timeout": seconds("timeout"),
            "start_period": seconds("start_period"), "retries": hc.retries or DEFAULTS["retries"],
            # --health-start-interval (docker 28); unset: the interval, as docker 20.10
            "start_interval": hc.start_interval / 1e9 if hc.start_interval else seconds("interval")}


def next_wait(check: dict, started_at: float, status: str | None) -> float:
    """Docker 28's monitor: the start interval while the start period runs
    and the container is still starting, else the interval."""
    if status in (None, "starting") and time.time() - started_at < check["start_period"]:
        return check["start_interval"]
    return check["interval"]


class HealthMixin(RuntimeState):
    def watch_health(self, rec: Record) -> None:
        check = check_of(rec)
        if check is None:
            return
        with self.store.lock:
            if rec.id in self.health_watching:
                return
            self.health_watching.add(rec.id)
            rec.health = {"status": "starting", "failing_streak": 0, "log": []}
            self.store.save(rec, durable=False)
        threading.Thread(target=self._health_loop, args=(rec.id, check, rec.started_at),
                         name=f"health-{rec.id[:12]}", daemon=True).start()

    def _health_loop(self, cid: str, check: dict, started_at: float) -> None:
        try:
            while not self.closing.wait(next_wait(check, started_at, self._health_status(cid))):
                try:
                    rec = self.refresh(self.store.get(cid))
                except NotFound:
                    return
                if rec.status != "running" or rec.started_at != started_at:
                    return  # stopped, or a new run (which gets its own loop)
                self._probe(rec, check, started_at)
        finally:
            with self.store.lock:
                self.health_watching.discard(cid)

    def _health_status(self, cid: str) -> str | None:
        try:
            return (self.store.get(cid).health or {}).get("status")
        except NotFound:
            return None

    def _probe(self, rec: Record, check: dict, started_at: float) -> None:
        start = time.time()
        out, code = b"", -1
        try:
            for kind, value in self.exec({"id": rec.id, "args": check["args"]}, iter(()),
                                         cancelled=lambda: time.time() - start > check["timeout"]):
                if kind == "exit":
                    code = value
                elif kind != "started":
                    out += value
            if code == -1:
                out += f"Health check exceeded timeout ({check['timeout']:g}s)".encode()
        except FailedPrecondition:
            return  # the container stopped (or paused) meanwhile: no result, as Docker
        except Exception as e:  # noqa: BLE001 - a probe that cannot run is a failed probe
            out, code = str(e).encode(), -1
        end = time.time()
        in_start_period = end - started_at < check["start_period"]
        with self.store.lock:
            if rec.status != "running" or rec.started_at != started_at:
                return  # a probe cut short by a stop or restart says nothing of the container
            health = dict(rec.health or {"status": "starting", "failing_streak": 0, "log": []})
            before = health.get("status")
            health["log"] = (health.get("log", []) + [
                {"start": start, "end": end, "exit_code": code,
                 "output": out[:OUTPUT_MAX].decode("utf-8", "replace")}])[-KEEP:]
            if code == 0:
                health["status"], health["failing_streak"] = "healthy", 0
            elif not in_start_period:
                health["failing_streak"] = health.get("failing_streak", 0) + 1
                if health["failing_streak"] >= check["retries"]:
                    health["status"] = "unhealthy"
            rec.health = health
            self.store.save(rec, durable=False)
        if health["status"] != before:
            self.emit_container(rec, f"health_status: {health['status']}")
