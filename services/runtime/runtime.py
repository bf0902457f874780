"""The runtime's core: container records reconciled with their shims, and
the verbs (one module each, as mixins: create.py, start.py, stop.py,
remove.py, pause.py, restart.py...) over the state they share (state.py).
The servicer in api.py only translates messages to and from these calls."""
import logging
import pathlib
import signal
import threading
import time

from common import atomic
from common.eventring import Ring
from common.errors import NotFound
from services.runtime import cgroups, exits, logs, shim_client
from services.runtime.attach import AttachMixin
from services.runtime.copy import CopyMixin
from services.runtime.create import CreateMixin
from services.runtime.diff import DiffMixin
from services.runtime.events import EventsMixin
from services.runtime.exec import ExecMixin
from services.runtime.exits import ExitMonitor
from services.runtime.health import HealthMixin
from services.runtime.netns import NetnsDir
from services.runtime.pause import PauseMixin
from services.runtime.proc import signal_process
from services.runtime.remove import RemoveMixin
from services.runtime.rename import RenameMixin
from services.runtime.restart import RestartMixin
from services.runtime.security.seccomp_compile import Compiler
from services.runtime.start import StartMixin
from services.runtime.state import RuntimeState
from services.runtime.stats import StatsMixin
from services.runtime.stop import StopMixin
from services.runtime.percontainer import PerContainer
from services.runtime.store import ACTIVE, Record, Store
from services.runtime.top import TopMixin
from services.runtime.update import UpdateMixin
from services.runtime.volatile import VolatileDir

log = logging.getLogger("doca.runtime")


class Runtime(CreateMixin, StartMixin, StopMixin, RemoveMixin, PauseMixin, RestartMixin, ExecMixin,
              AttachMixin, StatsMixin, UpdateMixin, HealthMixin, EventsMixin, TopMixin, RenameMixin, DiffMixin,
              CopyMixin, RuntimeState):
    def __init__(self, state_dir: pathlib.Path, cgroup_parent: str, driver: cgroups.Driver | None = None,
                 volatile_dir: pathlib.Path | None = None):
        """Makes the shared state (declared in state.py), then reconciles
        the records with what survived the last run (live restore)."""
        # run-time files on a tmpfs (volatile.py); without one given, beside the records
        self.volatile = VolatileDir(volatile_dir) if volatile_dir else None
        run_files = self.volatile.ensure() if self.volatile else pathlib.Path(state_dir)
        self.store = Store(state_dir, run_files)
        self.cgroups = driver or cgroups.detect(cgroup_parent)
        for rec in self.store.all():  # --cgroup-parent: where each container's cgroups are
            self.cgroups.place(rec.id, rec.spec.cgroup_parent)
        # With the run-time files (as `ip netns` keeps them in /run/netns); a
        # reboot takes both, and a pin that is gone is made again at the next start.
        self.netns = NetnsDir(run_files / "netns")
        self.netns.ensure()
        self.seccomp = Compiler(pathlib.Path(state_dir) / "seccomp")
        self.launcher = shim_client.Launcher()
        self.launcher.prepare()
        self.events = Ring()
        self.closing = threading.Event()
        self.lost_shims = threading.Lock()
        self.health_watching = set()
        self.policy_watching = set()
        self._last_samples = PerContainer(lambda: [r.id for r in self.store.all()])
        self.exits = ExitMonitor(self._exited)
        self._clean_orphans()
        for rec in self.store.all():
            self.refresh(rec)
            if rec.status in ("running", "paused"):
                self.settle_freezer(rec)
            if rec.status in ("running", "paused"):
                self.watch_exit(rec)
            if rec.status == "running":
                self.watch_health(rec)  # live restore: the checks go on
        self.restore_policies()

    # -- state ------------------------------------------------------------

    def _clean_orphans(self) -> None:
        """Directories of creates that never finished: their cgroups, their
        shim (if one got that far), network namespace and files go."""
        for cid in self.store.orphans:
            d = self.store.dir(cid)
            ids = (d / "init.pid").read_text().split() if (d / "init.pid").exists() else []
            if len(ids) == 3 and shim_client.alive(int(ids[1]), int(ids[2])):
                signal_process(int(ids[0]), signal.SIGKILL)
                shim_client.wait_exit(int(ids[1]), int(ids[2]), d, timeout=5)
            self.cgroups.destroy(cid)
            self.netns.release(cid)
            self.store.drop(cid)
            log.info("removed the leftovers of an interrupted create: %s", cid[:12])
        known = {r.id for r in self.store.all()}
        for cid in self.netns.leftovers(known):
            self.netns.release(cid)

    def watch_exit(self, rec: Record) -> None:
        self.exits.watch(rec.id, rec.shim_pid, rec.shim_start, self.store.dir(rec.id))

    def _exited(self, cid: str) -> None:
        try:
            self.refresh(self.store.get(cid))
        except NotFound:
            pass

    def refresh(self, rec: Record) -> Record:
        """Reconciles a record with its shim: an active container whose shim
        is gone has exited (exit.json holds how; without it, what is left
        of the container is killed first: exits.lost_shim). The move to
        "exited" publishes Docker's "oom" (when the OOM killer struck) and
        "die"."""
        if rec.status not in ACTIVE:
            return rec
        if not rec.shim_pid:
            # Reserved by a create still writing its bundle or launching:
            # no shim yet, so none lost (taking it for lost killed the init
            # being launched when a `ps` or the gateway's sweep looked).
            return rec
        d = self.store.dir(rec.id)
        shim = (rec.shim_pid, rec.shim_start)
        # exit.json decides, even while the shim is still on its way out.
        result = atomic.read_json(d / "exit.json")
        if result is None:
            if shim_client.alive(*shim):
                return rec
            result = atomic.read_json(d / "exit.json")  # written just before the shim exited
        if result is not None:
            return self._record_exit(rec, shim, int(result["exit_code"]), "", float(result["finished_at"]))
        with self.lost_shims:
            if rec.status not in ACTIVE or (rec.shim_pid, rec.shim_start) != shim:
                return rec  # recorded meanwhile
            try:
                code, error = exits.lost_shim(self.cgroups, rec.id)
            except (OSError, TimeoutError) as e:
                # Still "running": something of it runs. Tried again at the next look.
                log.error("the shim of %s died and its processes could not all be killed: %s", rec.id[:12], e)
                return rec
            return self._record_exit(rec, shim, code, error, time.time())

    def _record_exit(self, rec: Record, shim: tuple[int, int], code: int, error: str, finished: float) -> Record:
        with self.store.lock:
            if rec.status not in ACTIVE or (rec.shim_pid, rec.shim_start) != shim:
                return rec  # recorded meanwhile, or launched again since
            rec.exit_code, rec.finished_at = code, finished
            if error:
                rec.error = error
            rec.oom_killed = self.cgroups.oom_kills(rec.id) > rec.oom_base
            if rec.status != "created":
                # Published before the status changes: whoever sees "exited" (stop
                # publishing "stop", a waiter) finds "die" already there.
                if rec.oom_killed:
                    self.emit_container(rec, "oom")
                self.emit_container(rec, "die", exitCode=rec.exit_code,
                                    execDuration=max(0, int(rec.finished_at - rec.started_at)))
                self.emit_volumes(rec, "unmount")
            rec.status = "exited"
            rec.pid = 0
            # Derived from exit.json and the cgroup: a lost update is recomputed.
            self.store.save(rec, durable=False)
        return rec

    def get(self, ref: str) -> Record:
        return self.refresh(self.store.get(ref))

    def list(self, all_: bool) -> list[Record]:
        recs = [self.refresh(r) for r in self.store.all()]
        return [r for r in recs if all_ or r.status in ("running", "paused", "restarting")]

    def logs(self, ref: str, follow: bool, cancelled=lambda: False, tail: int | None = None,
             since: float = 0.0):
        rec = self.get(ref)
        shim = (rec.shim_pid, rec.shim_start) if rec.status in ACTIVE else (0, 0)
        yield from logs.read(self.store.log_path(rec.id), follow, shim, cancelled, tail, since)

    def close(self) -> None:
        """At service stop: containers keep running (live restore); only an
        engine with no container left gives back its parent cgroup and the
        network namespace directory."""
        self.closing.set()
        self.exits.close()
        self.launcher.close()
        if not self.store.all():
            self.cgroups.remove_parent()
            self.netns.close()
            if self.volatile:
                self.volatile.release()
