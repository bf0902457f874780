"""The runtime's core: the container lifecycle (OCI create, start, kill,
delete) over records, cgroups and shims. The servicer in api.py only
translates messages to and from these calls."""
import logging
import marshal
import os
import pathlib
import select
import signal
import time

from common import atomic
from common.errors import FailedPrecondition, InvalidArgument
from services.runtime import cgroups, logs, names, shim_client, signals, spec as ocispec, users
from services.runtime.store import Record, Store

log = logging.getLogger("doca.runtime")
ACTIVE = ("created", "running", "paused")
DEFAULT_STOP_TIMEOUT = 10


class Runtime:
    def __init__(self, state_dir: pathlib.Path, cgroup_parent: str, driver: cgroups.Driver | None = None):
        self.store = Store(state_dir)
        self.cgroups = driver or cgroups.detect(cgroup_parent)
        self.launcher = shim_client.Launcher()
        self.launcher.prepare()
        self._clean_orphans()
        for rec in self.store.all():
            self.refresh(rec)

    # -- state ------------------------------------------------------------

    def _clean_orphans(self) -> None:
        """Directories of creates that never finished: their cgroups, their
        shim (if one got that far) and their files go."""
        for cid in self.store.orphans:
            d = self.store.dir(cid)
            ids = (d / "init.pid").read_text().split() if (d / "init.pid").exists() else []
            if len(ids) == 3 and shim_client.alive(int(ids[1]), int(ids[2])):
                _kill(int(ids[0]), signal.SIGKILL)
                shim_client.wait_exit(int(ids[1]), int(ids[2]), d, timeout=5)
            self.cgroups.destroy(cid)
            self.store.drop(cid)
            log.info("removed the leftovers of an interrupted create: %s", cid[:12])

    def refresh(self, rec: Record) -> Record:
        """Reconciles a record with its shim: an active container whose shim
        is gone has exited (exit.json holds how)."""
        if rec.status not in ACTIVE:
            return rec
        d = self.store.dir(rec.id)
        # exit.json decides, even while the shim is still on its way out.
        result = atomic.read_json(d / "exit.json")
        if result is None and shim_client.alive(rec.shim_pid, rec.shim_start):
            return rec
        with self.store.lock:
            if rec.status not in ACTIVE:
                return rec
            if result is None:
                rec.exit_code, rec.error = 255, "the container's shim died without recording an exit status"
                rec.finished_at = time.time()
            else:
                rec.exit_code = int(result["exit_code"])
                rec.finished_at = float(result["finished_at"])
            rec.oom_killed = self.cgroups.oom_killed(rec.id)
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

    # -- create / start ---------------------------------------------------

    def create(self, cid: str, spec: dict) -> Record:
        """spec: the ContainerSpec message as a dict (json_format field names)."""
        process = spec.get("process", {})
        if not process.get("args"):
            raise InvalidArgument("no command specified: the image has no CMD or ENTRYPOINT and none was given")
        rootfs = spec.get("rootfs", {})
        if not rootfs.get("lowerDirs") or not rootfs.get("upperDir"):
            raise InvalidArgument("the container needs a rootfs snapshot (lower and upper dirs)")
        limits = _limits(spec.get("resources", {}))
        cgroups.base.validate(limits)
        rec = Record(id=cid, name=spec.get("name") or _random_name(), spec=spec, created_at=time.time())
        self.store.reserve(rec)
        d = self.store.dir(cid)
        try:
            self._prepare(rec, d, limits)
            rec.pid, rec.shim_pid, rec.shim_start = self.launcher.start(d)
            self.store.save(rec)
        except BaseException:
            self.cgroups.destroy(cid)
            self.store.drop(cid)
            raise
        return rec

    def _prepare(self, rec: Record, d: pathlib.Path, limits) -> None:
        spec = rec.spec
        rootfs = spec["rootfs"]
        layer_dirs = [rootfs["upperDir"], *rootfs["lowerDirs"]]
        process = spec["process"]
        uid, gid, extra = users.resolve(process.get("user", ""), layer_dirs)
        overlay = (f"lowerdir={':'.join(rootfs['lowerDirs'])},upperdir={rootfs['upperDir']},"
                   f"workdir={rootfs['workDir']}")
        self.cgroups.create(rec.id, limits)
        bundle = d / "bundle"
        (bundle / "rootfs").mkdir(parents=True)
        config = ocispec.build(
            args=process["args"], env=process.get("env", []), cwd=process.get("cwd", "/"),
            uid=uid, gid=gid, additional_gids=extra, hostname=spec.get("hostname", rec.id[:12]),
            mounts=[{"destination": m["destination"], "type": m.get("type", "bind"),
                     "source": m.get("source", ""), "options": m.get("options", [])}
                    for m in spec.get("mounts", [])],
            cgroups_path=self.cgroups.cgroups_path(rec.id), limits=limits,
            readonly_root=rootfs.get("readonly", False),
            annotations={"org.opencontainers.image.ref.name": spec.get("image", ""),
                         "io.doca.container.name": rec.name})
        atomic.write_json(bundle / "config.json", config)
        # The shim's inputs, marshalled: it starts faster without a JSON parser.
        atomic.write_bytes(d / "shim.marshal", marshal.dumps({
            "id": rec.id, "bundle": str(bundle), "fifo": str(d / "exec.fifo"),
            "log_path": str(d / "container.log"), "spec": config,
            "cgroup_view": self.cgroups.container_view(rec.id),
            "rootfs_mount": {"type": "overlay", "source": "overlay", "options": overlay.split(",")},
        }))
        os.mkfifo(d / "exec.fifo", 0o622)

    def start(self, ref: str) -> Record:
        rec = self.get(ref)
        if rec.status == "running":
            return rec
        if rec.status != "created":
            raise FailedPrecondition(
                f"container {rec.name} has exited: start of an exited container is not supported yet; run a new one")
        d = self.store.dir(rec.id)
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
            self.store.save(rec)
        return rec

    # -- pause ------------------------------------------------------------

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
        return rec

    def resume(self, ref: str) -> Record:
        rec = self.get(ref)
        if rec.status != "paused":
            raise FailedPrecondition(f"container {rec.name} is not paused")
        self._thaw(rec)
        return rec

    def _thaw(self, rec: Record) -> None:
        self.cgroups.thaw(rec.id)
        with self.store.lock:
            if rec.status == "paused":
                rec.status = "running"
                self.store.save(rec)

    # -- signals ----------------------------------------------------------

    def kill(self, ref: str, sig_name: str) -> None:
        rec = self.get(ref)
        sig = signals.parse(sig_name)
        if rec.status not in ("running", "paused"):
            raise FailedPrecondition(f"cannot kill container {rec.name}: container is not running")
        _kill(rec.pid, sig)

    def wait(self, ref: str, cancelled=lambda: False) -> Record:
        rec = self.get(ref)
        while rec.status in ACTIVE:
            if not shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(rec.id), None, cancelled):
                return rec
            rec = self.refresh(rec)
        return rec

    def stop(self, ref: str, timeout: int) -> Record:
        rec = self.get(ref)
        if rec.status not in ACTIVE:
            return rec
        if timeout < 0:
            timeout = rec.spec.get("stopTimeout") or DEFAULT_STOP_TIMEOUT
        if rec.status == "paused":
            self._thaw(rec)  # a frozen process cannot act on its stop signal
        if rec.status == "running":
            _kill(rec.pid, signals.parse(rec.spec.get("stopSignal", ""), signal.SIGTERM))
            if shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(rec.id), timeout):
                return self.refresh(rec)
        _kill(rec.pid, signal.SIGKILL)
        shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(rec.id), 30)
        return self.refresh(rec)

    def remove(self, ref: str, force: bool) -> None:
        rec = self.get(ref)
        if rec.status in ("running", "paused") and not force:
            raise FailedPrecondition(
                f"cannot remove container {rec.name}: container is running: stop the container before removing or force remove")
        if rec.status in ACTIVE:
            _kill(rec.pid, signal.SIGKILL)
            if rec.status == "paused":
                self._thaw(rec)  # SIGKILL takes effect once thawed
            shim_client.wait_exit(rec.shim_pid, rec.shim_start, self.store.dir(rec.id), 30)
            self.refresh(rec)
        self.cgroups.destroy(rec.id)
        self.store.drop(rec.id)

    def logs(self, ref: str, follow: bool, cancelled=lambda: False):
        rec = self.get(ref)
        d = self.store.dir(rec.id)
        shim = (rec.shim_pid, rec.shim_start) if rec.status in ACTIVE else (0, 0)
        yield from logs.read(d / "container.log", follow, shim, cancelled)

    def close(self) -> None:
        """At service stop: containers keep running (live restore); only an
        empty engine parent cgroup goes."""
        self.launcher.close()
        if not self.store.all():
            self.cgroups.remove_parent()


def _kill(pid: int, sig: int) -> None:
    if pid > 0:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _limits(res: dict) -> cgroups.Limits:
    return cgroups.Limits(
        memory_bytes=int(res.get("memoryBytes", 0)), cpu_shares=int(res.get("cpuShares", 0)),
        cpu_quota=int(res.get("cpuQuota", 0)), cpu_period=int(res.get("cpuPeriod", 0)),
        pids_limit=int(res.get("pidsLimit", 0)))


def _random_name() -> str:
    return names.generate()
