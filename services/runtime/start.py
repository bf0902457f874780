"""OCI start: release the init held on the exec fifo. An exited container
is launched again first (same bundle, same pinned network namespace)."""
import os
import select
import subprocess
import time

from common.errors import FailedPrecondition
from services.runtime import oci_runtime, shim_client
from services.runtime.store import Record


class StartMixin:
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
        d = self.store.dir(rec.id)
        runtime = rec.spec.get("runtime") or "doca"
        if runtime != "doca":  # runc/crun keep their own exec fifo: `RUNTIME start` opens it
            r = subprocess.run([oci_runtime.binary(runtime), "--root", str(d / runtime), "start", rec.id],
                               capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise FailedPrecondition(f"{runtime} start failed: {r.stderr.strip() or r.returncode}")
            with self.store.lock:
                rec.status, rec.started_at = "running", time.time()
                self.store.save(rec)
            self.watch_health(rec)  # as for doca's own init: the checks run through exec alike
            self._started(rec)
            return
        fifo = d / "exec.fifo"
        # Opening the fifo for reading releases the init, blocked opening it
        # for writing; its one byte confirms it is past the wait.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            deadline = time.monotonic() + 30
            while not poller.poll(100):
                if not shim_client.alive(rec.shim_pid, rec.shim_start) or time.monotonic() > deadline:
                    raise FailedPrecondition(f"container {rec.name} exited before it started")
            os.read(fd, 1)
        finally:
            os.close(fd)
        fifo.unlink(missing_ok=True)
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
