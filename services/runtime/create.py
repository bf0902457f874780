"""OCI create: the bundle (config.json), cgroups, a pinned network
namespace, and a shim holding the container's init before exec."""
import marshal
import os
import pathlib
import signal
import sys
import time

from common import atomic, crashpoints
from common.errors import FailedPrecondition, Internal, InvalidArgument
from services.runtime import devices, executors, model, names, root_mount, shim_client, signals, spec as ocispec, users
from services.runtime import joined_ns, namespace_modes, rootfs_linux
from services.runtime.proc import signal_process
from services.runtime.security import options, payload as security_payload, system_paths
from services.runtime.state import RuntimeState
from services.runtime.store import Record

# What a launch sets in the record: put back when it cannot be recorded.
_LAUNCH_FIELDS = ("pid", "shim_pid", "shim_start", "status", "exit_code", "error", "finished_at",
                  "oom_killed", "oom_base")


# The init's exit codes for a program it cannot start (init_linux.py):
# Docker's create succeeds, its start fails with them.
START_ERRORS = (126, 127)



def start_error_code(message: str, cmd: str) -> int | None:
    """An OCI runtime's (runc, crun) create error that says the program
    cannot start: Docker's exit code for it, read from the words as its
    daemon's translateContainerdStartErr reads them (127 when the command is
    missing, 126 on a permission), else None. doca's own init says 127/126
    itself."""
    low = message.lower()
    if cmd.lower() in low and ("executable file not found" in low or "no such file or directory" in low):
        return 127
    if "permission denied" in low:
        return 126
    return None


DEFAULT_LOG = {"max_size": 10 * 1024 * 1024, "max_files": 3}


def log_config(log: model.LogConfig) -> dict:
    """Rotation on by default: a container printing without end cannot fill the disk."""
    size = log.max_size or DEFAULT_LOG["max_size"]
    files = log.max_file or DEFAULT_LOG["max_files"]
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


def userns_of(spec: model.ContainerSpec) -> dict | None:
    """--userns-remap: container root = host uid/gid BASE, SIZE ids mapped."""
    uid, gid, size = spec.userns.uid_base, spec.userns.gid_base, spec.userns.size
    if not size:
        return None
    if uid <= 0 or gid <= 0 or size < 1 or size > 1 << 24 or uid + size > 1 << 32:
        raise InvalidArgument(f"invalid --userns-remap {uid}:{size}: the range must be unprivileged (base > 0) and fit in 32 bits")
    if spec.privileged:
        raise InvalidArgument("--privileged and --userns-remap cannot be combined")
    return {"uid": uid, "gid": gid, "size": size}


def check_runtime(spec: model.ContainerSpec) -> None:
    executors.named(spec.runtime).check(spec)


def security_of(spec: model.ContainerSpec) -> options.SecurityOptions:
    return options.parse(cap_add=spec.cap_add, cap_drop=spec.cap_drop, privileged=spec.privileged,
                         security_opt=spec.security_opt, ulimits=spec.ulimits)


def cgroupns_of(spec: model.ContainerSpec) -> str:
    mode = spec.cgroupns or "private"
    if mode not in ocispec.CGROUPNS_MODES:
        raise InvalidArgument(f"invalid --cgroupns {mode!r}: use private or host")
    return mode


def make_bind_sources(mounts: list[dict]) -> None:
    """-v /host/dir:/x with no /host/dir: Docker's daemon makes the
    directory (and its parents), root's, 0755."""
    for m in mounts:
        source = m["source"]
        if m["type"] == "bind" and source.startswith("/") and not os.path.lexists(source):
            try:
                os.makedirs(source, 0o755, exist_ok=True)
            except OSError as e:
                raise InvalidArgument(f"error while creating mount source path '{source}': "
                                      f"mkdir {e.filename or source}: {e.strerror.lower()}") from None


def with_home(env, home: str) -> list[str]:
    """HOME from the user's passwd entry when the environment has none
    (runc does it in its init; here the runtime knows the user already)."""
    env = list(env)
    if not any(e.startswith("HOME=") for e in env):
        env.append(f"HOME={home}")
    return env


def sysctls_of(spec: model.ContainerSpec) -> dict:
    return ocispec.check_sysctls(spec.sysctls, spec.network_mode)


def _size(size: model.WindowSize):
    return (size.rows, size.cols) if size.rows else None


class CreateMixin(RuntimeState):
    def create(self, cid: str, spec: model.ContainerSpec) -> Record:
        """spec: made at the API's door (api.py), its limits checked as it was made."""
        if not spec.process.args:
            raise InvalidArgument("no command specified: the image has no CMD or ENTRYPOINT and none was given")
        if not spec.rootfs.lower_dirs or not spec.rootfs.upper_dir:
            raise InvalidArgument("the container needs a rootfs snapshot (lower and upper dirs)")
        policy = spec.restart_policy.name
        if policy not in ("", "no", "always", "unless-stopped", "on-failure"):
            raise InvalidArgument(f"invalid restart policy {policy!r}: use no, always, unless-stopped or on-failure[:N]")
        signals.parse(spec.stop_signal, 15)  # a bad --stop-signal fails now, not at stop
        log_config(spec.log)
        security = security_of(spec)  # a bad option fails before anything exists
        check_runtime(spec)
        userns_of(spec)
        cgroupns_of(spec)
        sysctls_of(spec)
        rec = Record(id=cid, name=spec.name, spec=spec, created_at=time.time())
        self.store.reserve(rec, generate=names.generate)
        try:
            self._write_bundle(rec, security)
            crashpoints.reached("runtime.create.bundle")
            if joined_ns.deferred(spec):  # its donors may be stopped: the init is made at start
                with self.store.lock:
                    self.store.save(rec)
            else:
                self._launch_or_defer(rec)
            crashpoints.reached("runtime.create.launched")
        except BaseException:
            self.cgroups.destroy(cid)
            self.netns.release(cid)
            self.store.drop(cid)
            raise
        self.emit_container(rec, "create")
        return rec

    def _write_bundle(self, rec: Record, security) -> None:
        d = self.store.dir(rec.id)
        spec = rec.spec
        rootfs = spec.rootfs
        process = spec.process
        who = users.resolve(process.user, [rootfs.upper_dir, *rootfs.lower_dirs], spec.group_add)
        args, mounts = list(process.args), [
            {"destination": m.destination, "type": m.type or "bind", "source": m.source, "options": list(m.options)}
            for m in spec.mounts]
        make_bind_sources(mounts)
        if spec.init:
            args, mounts = init_wrapped(args, mounts)
        self.cgroups.place(rec.id, spec.cgroup_parent)  # --cgroup-parent
        self.cgroups.create(rec.id, spec.resources)
        self.cgroups.set_devices(rec.id, devices.rules(security.privileged, spec.resources))
        bundle = d / "bundle"
        (bundle / "rootfs").mkdir(parents=True, exist_ok=True)
        config = ocispec.build(
            args=args, env=with_home(process.env, who.home), cwd=process.cwd,
            uid=who.uid, gid=who.gid, additional_gids=who.additional_gids, hostname=spec.hostname or rec.id[:12],
            domainname=spec.domainname, sysctls=sysctls_of(spec),
            mounts=mounts,
            cgroups_path=self.cgroups.cgroups_path(rec.id), res=spec.resources,
            netns_path=self.netns.file(rec.id), readonly_root=rootfs.readonly,
            annotations={**spec.annotations,  # --annotation; doca's own keys stay doca's
                         "org.opencontainers.image.ref.name": spec.image, "io.doca.container.name": rec.name},
            terminal=spec.tty, console_size=_size(spec.console_size),
            privileged=security.privileged, userns=userns_of(spec), cgroupns=cgroupns_of(spec))
        options.apply_to_config(config, security)
        system_paths.apply(config, spec, security.privileged)
        # An rshared or rslave bind needs the root's propagation to match in
        # runc and crun (crun's default is private), as containerd sets it.
        if rootfs_linux.shares_mounts(config):
            config["linux"]["rootfsPropagation"] = "rshared"
        elif any(o in ("slave", "rslave") for m in mounts for o in m.get("options", ())):
            config["linux"]["rootfsPropagation"] = "rslave"
        namespace_modes.apply(config, spec.pid_mode, spec.ipc_mode, spec.uts_mode)
        config["linux"]["resources"]["devices"] = devices.rules(security.privileged, spec.resources)
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
            "open_stdin": spec.open_stdin,
            "console_size": _size(spec.console_size),
            "log": log_config(spec.log),
            "security": payload,
            "runtime": executors.named(spec.runtime).name,
            "userns": userns_of(spec),
            "pump": PUMP if PUMP and os.access(PUMP, os.X_OK) else None,
            "cri_log_path": spec.cri_log_path,
        }))

    def ensure_bundle(self, rec: Record) -> pathlib.Path:
        """The container's run-time files (volatile.py), written again from
        the record when they were lost (a reboot emptied their tmpfs);
        returns their directory."""
        d = self.store.dir(rec.id)
        if not (d / "shim.marshal").exists():
            d.mkdir(parents=True, exist_ok=True)
            self._write_bundle(rec, security_of(rec.spec))
        return d

    def _launch_or_defer(self, rec: Record) -> None:
        """create's launch. A program that cannot start (the init's lookup:
        127 missing, 126 not runnable) does not fail the create: Docker makes
        the container and its start fails (its runtime creates the init at
        start). The container is kept created without an init
        (joined_ns.waiting), so that its start launches it afresh and looks
        the program up again then (a `cp` may have brought it meanwhile)."""
        try:
            self._launch(rec)
        except InvalidArgument as e:
            # the program only: a working directory that cannot be made stays
            # create's error, as Docker's daemon makes it at create
            if e.exit_code not in START_ERRORS or not ('exec: "' in e.message or "executable file" in e.message):
                raise
            with self.store.lock:
                self.store.save(rec)

    def _launch(self, rec: Record) -> None:
        """(Re)starts a shim on the written bundle: the init waits on the
        exec fifo. A relaunch joins the pinned network namespace."""
        upper = rec.spec.rootfs.upper_dir
        if upper and not os.path.isdir(upper):  # its snapshot went (a crash of the images service's disk, a hand)
            raise FailedPrecondition(f"container {rec.name or rec.id[:12]} has lost its filesystem (its snapshot "
                                     f"{upper} is gone): it cannot start again; remove it with `doca rm`")
        d = self.ensure_bundle(rec)
        for name in ("exit.json", "init.pid", "exec.fifo"):
            (d / name).unlink(missing_ok=True)
        with open(d / "shim.marshal", "rb") as f:
            cfg = marshal.load(f)
        spec = rec.spec
        paths = joined_ns.resolve(self.store, self.netns, spec, rec.id)
        netns = joined_ns.netns_cfg(spec, str(self.netns.file(rec.id)), paths, self.netns.file(rec.id).exists())
        if paths or spec.network_mode == "host":
            # joined namespaces: the other's paths as they are now (its init may be new)
            joined_ns.apply(cfg["spec"], spec, paths)
            atomic.write_json(d / "bundle" / "config.json", cfg["spec"], durable=False)
        if cfg["netns"] != netns or paths:  # a relaunch: the namespace is pinned already
            cfg["netns"] = netns
            atomic.write_bytes(d / "shim.marshal", marshal.dumps(cfg), durable=False)
        os.mkfifo(d / "exec.fifo")
        # Writable by anyone (umask would take that away): a --userns-remap
        # init is not the host's root when it opens it.
        os.chmod(d / "exec.fifo", 0o622)
        try:
            pid, shim_pid, shim_start = self.launcher.start(d)
        except Internal as e:
            code = start_error_code(e.message, spec.process.args[0] if spec.process.args else "")
            if code is None:
                raise
            raise InvalidArgument(e.message, exit_code=code) from None
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
