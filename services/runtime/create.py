"""OCI create: the bundle (config.json), cgroups, a pinned network
namespace, and a shim holding the container's init before exec."""
import marshal
import os
import pathlib
import signal
import sys
import time

from common import atomic, crashpoints
from common.errors import FailedPrecondition, InvalidArgument
from common.resources import Resources
from services.runtime import devices, executors, names, root_mount, shim_client, signals, spec as ocispec, users
from services.runtime.proc import signal_process
from services.runtime.security import options, payload as security_payload
from services.runtime.state import RuntimeState
from services.runtime.store import Record

# What a launch sets in the record: put back when it cannot be recorded.
_LAUNCH_FIELDS = ("pid", "shim_pid", "shim_start", "status", "exit_code", "error", "finished_at",
                  "oom_killed", "oom_base")


def limits_of(res: dict) -> Resources:
    return Resources(
        memory_bytes=int(res.get("memoryBytes", 0)), cpu_shares=int(res.get("cpuShares", 0)),
        cpu_quota=int(res.get("cpuQuota", 0)), cpu_period=int(res.get("cpuPeriod", 0)),
        pids_limit=int(res.get("pidsLimit", 0)))


DEFAULT_LOG = {"max_size": 10 * 1024 * 1024, "max_files": 3}


def log_config(log: dict) -> dict:
    """Rotation on by default: a container printing without end cannot fill the disk."""
    size = int(log.get("maxSize", 0)) or DEFAULT_LOG["max_size"]
    files = int(log.get("maxFile", 0)) or DEFAULT_LOG["max_files"]
    if size < 4096:
        raise InvalidArgument(f"invalid log max-size {size}: at least 4k")
    if files > 32:
        raise InvalidArgument(f"invalid log max-file {files}: at most 32")
    return {"max_size": size, "max_files": files}


# The shim's native output loop, built by `make` beside the interpreter;
# DOCA_SHIM_PUMP names another, or "" for the shim's Python loop.
PUMP = os.environ.get("DOCA_SHIM_PUMP", os.path.join(os.path.dirname(sys.executable), "doca-pump"))
TINI = "/usr/bin/tini-static"
INIT_PATH = "/sbin/docker-init"


def init_wrapped(args: list, mounts: list) -> tuple[list, list]:
    """--init: tini runs the user's command as its child."""
    if not os.path.exists(TINI):
        raise FailedPrecondition(f"--init needs {TINI} (Debian's tini package) on the host")
    mount = {"destination": INIT_PATH, "type": "bind", "source": TINI, "options": ["bind", "ro", "nosuid", "nodev"]}
    return [INIT_PATH, "--", *args], [mount, *mounts]


def userns_of(spec: dict) -> dict | None:
    """--userns-remap: container root = host uid/gid BASE, SIZE ids mapped."""
    u = spec.get("userns") or {}
    if not u.get("size"):
        return None
    uid, gid, size = int(u.get("uidBase", 0)), int(u.get("gidBase", 0)), int(u["size"])
    if uid <= 0 or gid <= 0 or size < 1 or size > 1 << 24 or uid + size > 1 << 32:
        raise InvalidArgument(f"invalid --userns-remap {uid}:{size}: the range must be unprivileged (base > 0) and fit in 32 bits")
    if spec.get("privileged"):
        raise InvalidArgument("--privileged and --userns-remap cannot be combined")
    return {"uid": uid, "gid": gid, "size": size}


def check_runtime(spec: dict) -> None:
    executors.named(spec.get("runtime", "")).check(spec)


def security_of(spec: dict) -> options.SecurityOptions:
    return options.parse(cap_add=spec.get("capAdd", ()), cap_drop=spec.get("capDrop", ()),
                         privileged=spec.get("privileged", False),
                         security_opt=spec.get("securityOpt", ()), ulimits=spec.get("ulimits", ()))


def cgroupns_of(spec: dict) -> str:
    mode = spec.get("cgroupns") or "private"
    if mode not in ocispec.CGROUPNS_MODES:
        raise InvalidArgument(f"invalid --cgroupns {mode!r}: use private or host")
    return mode


def _size(size: dict | None):
    return (int(size.get("rows", 0)), int(size.get("cols", 0))) if size and size.get("rows") else None


class CreateMixin(RuntimeState):
    def create(self, cid: str, spec: dict) -> Record:
        """spec: the ContainerSpec message as a dict (json_format field names)."""
        process = spec.get("process", {})
        if not process.get("args"):
            raise InvalidArgument("no command specified: the image has no CMD or ENTRYPOINT and none was given")
        rootfs = spec.get("rootfs", {})
        if not rootfs.get("lowerDirs") or not rootfs.get("upperDir"):
            raise InvalidArgument("the container needs a rootfs snapshot (lower and upper dirs)")
        policy = spec.get("restartPolicy", {})
        if policy.get("name", "no") not in ("", "no", "always", "unless-stopped", "on-failure"):
            raise InvalidArgument(f"invalid restart policy {policy['name']!r}: use no, always, unless-stopped or on-failure[:N]")
        signals.parse(spec.get("stopSignal", ""), 15)  # a bad --stop-signal fails now, not at stop
        limits = limits_of(spec.get("resources", {}))  # checked as they are made
        log_config(spec.get("log") or {})
        security = security_of(spec)  # a bad option fails before anything exists
        check_runtime(spec)
        userns_of(spec)
        cgroupns_of(spec)
        rec = Record(id=cid, name=spec.get("name") or "", spec=spec, created_at=time.time())
        self.store.reserve(rec, generate=names.generate)
        try:
            self._write_bundle(rec, limits, security)
            crashpoints.reached("runtime.create.bundle")
            self._launch(rec)
            crashpoints.reached("runtime.create.launched")
        except BaseException:
            self.cgroups.destroy(cid)
            self.netns.release(cid)
            self.store.drop(cid)
            raise
        self.emit_container(rec, "create")
        return rec

    def _write_bundle(self, rec: Record, limits, security) -> None:
        d = self.store.dir(rec.id)
        spec = rec.spec
        rootfs = spec["rootfs"]
        process = spec["process"]
        uid, gid, extra = users.resolve(process.get("user", ""), [rootfs["upperDir"], *rootfs["lowerDirs"]])
        args, mounts = list(process["args"]), [
            {"destination": m["destination"], "type": m.get("type", "bind"),
             "source": m.get("source", ""), "options": m.get("options", [])}
            for m in spec.get("mounts", [])]
        if spec.get("init"):
            args, mounts = init_wrapped(args, mounts)
        self.cgroups.create(rec.id, limits)
        self.cgroups.set_devices(rec.id, devices.rules(security.privileged))
        bundle = d / "bundle"
        (bundle / "rootfs").mkdir(parents=True, exist_ok=True)
        config = ocispec.build(
            args=args, env=process.get("env", []), cwd=process.get("cwd", "/"),
            uid=uid, gid=gid, additional_gids=extra, hostname=spec.get("hostname", rec.id[:12]),
            mounts=mounts,
            cgroups_path=self.cgroups.cgroups_path(rec.id), res=limits,
            netns_path=self.netns.file(rec.id), readonly_root=rootfs.get("readonly", False),
            annotations={"org.opencontainers.image.ref.name": spec.get("image", ""),
                         "io.doca.container.name": rec.name},
            terminal=spec.get("tty", False), console_size=_size(spec.get("consoleSize")),
            privileged=security.privileged, userns=userns_of(spec), cgroupns=cgroupns_of(spec))
        options.apply_to_config(config, security)
        config["linux"]["resources"]["devices"] = devices.rules(security.privileged)
        payload = security_payload.for_init(config, self.seccomp)
        # Not fsynced: derived from the record (container.json, durable), and a
        # process that dies loses nothing the page cache holds.
        atomic.write_json(bundle / "config.json", config, durable=False)
        # The shim's inputs, marshalled: it starts faster without a JSON parser.
        atomic.write_bytes(d / "shim.marshal", durable=False, data=marshal.dumps({
            "id": rec.id, "bundle": str(bundle), "fifo": str(d / "exec.fifo"),
            "log_path": str(self.store.log_path(rec.id)), "spec": config,
            "cgroup_view": self.cgroups.container_view(rec.id),
            "cgroup_join": self.cgroups.dirs(rec.id),
            "rootfs_mount": root_mount.of(rootfs),
            "netns": {"path": str(self.netns.file(rec.id)), "create": True},
            "open_stdin": bool(spec.get("openStdin")),
            "console_size": _size(spec.get("consoleSize")),
            "log": log_config(spec.get("log") or {}),
            "security": payload,
            "runtime": executors.named(spec.get("runtime", "")).name,
            "userns": userns_of(spec),
            "pump": PUMP if PUMP and os.access(PUMP, os.X_OK) else None,
        }))

    def ensure_bundle(self, rec: Record) -> pathlib.Path:
        """The container's run-time files (volatile.py), written again from
        the record when they were lost (a reboot emptied their tmpfs);
        returns their directory."""
        d = self.store.dir(rec.id)
        if not (d / "shim.marshal").exists():
            d.mkdir(parents=True, exist_ok=True)
            self._write_bundle(rec, limits_of(rec.spec.get("resources", {})), security_of(rec.spec))
        return d

    def _launch(self, rec: Record) -> None:
        """(Re)starts a shim on the written bundle: the init waits on the
        exec fifo. A relaunch joins the pinned network namespace."""
        upper = rec.spec.get("rootfs", {}).get("upperDir")
        if upper and not os.path.isdir(upper):  # its snapshot went (a crash of the images service's disk, a hand)
            raise FailedPrecondition(f"container {rec.name or rec.id[:12]} has lost its filesystem (its snapshot "
                                     f"{upper} is gone): it cannot start again; remove it with `doca rm`")
        d = self.ensure_bundle(rec)
        for name in ("exit.json", "init.pid", "exec.fifo"):
            (d / name).unlink(missing_ok=True)
        with open(d / "shim.marshal", "rb") as f:
            cfg = marshal.load(f)
        create = not self.netns.file(rec.id).exists()
        if cfg["netns"]["create"] != create:  # a relaunch: the namespace is pinned already
            cfg["netns"]["create"] = create
            atomic.write_bytes(d / "shim.marshal", marshal.dumps(cfg), durable=False)
        os.mkfifo(d / "exec.fifo")
        # Writable by anyone (umask would take that away): a --userns-remap
        # init is not the host's root when it opens it.
        os.chmod(d / "exec.fifo", 0o622)
        pid, shim_pid, shim_start = self.launcher.start(d)
        kept = {f: getattr(rec, f) for f in _LAUNCH_FIELDS}
        try:
            # Read once the init exists: an OCI runtime's create makes the
            # cgroup afresh (after deleting the last run's), doca's keeps it.
            oom_base = self.cgroups.oom_kills(rec.id)
            with self.store.lock:
                rec.pid, rec.shim_pid, rec.shim_start = pid, shim_pid, shim_start
                rec.status, rec.exit_code, rec.error, rec.finished_at = "created", 0, "", 0.0
                rec.oom_killed, rec.oom_base = False, oom_base
                self.store.save(rec)
        except BaseException:
            # Not recorded (a full disk): the launch is undone, the record as
            # it was, no held init left behind a start that failed.
            with self.store.lock:
                for f, v in kept.items():
                    setattr(rec, f, v)
            signal_process(pid, signal.SIGKILL)
            shim_client.wait_exit(shim_pid, shim_start, d, 30)
            raise

    def netns_path(self, rec: Record) -> pathlib.Path:
        return self.netns.file(rec.id)
