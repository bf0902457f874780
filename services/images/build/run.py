"""RUN: the command runs in a real container of the runtime service (the
same isolation as `doca run`: namespaces, cgroups, capabilities, seccomp),
over a snapshot of the stage's layers, on the build's network (the default
bridge unless the build or the step says none): the network service puts
an endpoint into the container's namespace, as it does for `doca run`,
asked over gRPC as the gateway asks it. Its output streams back as it is
written; its upper directory becomes the step's layer.

    with Runner(...).container(stage, process) as upper:
        ... diff `upper` into a layer ...

Leaving the block removes the container, then the snapshot, whatever
happened. A marker file in the build's directory names the container
first, so a build the service's crash interrupted is cleaned at the next
start (see builder.recover).

The container gets the build's host config (host_config.py: limits,
ulimits, cgroup parent) and, as Docker's RUN containers, its own
/etc/hosts (with --add-host's lines), /etc/hostname and /etc/resolv.conf
from the network service (Prepare; Detach removes them with the endpoint).

Mount points the runtime creates when the image lacks them (/proc, /dev,
/sys, the /etc files) are of the container's own making: they are taken
out of the upper directory again when they are empty, so they never reach
a layer (Docker keeps them in a container's init layer, never committed).
"""
import contextlib
import dataclasses
import errno
import logging
import os
import pathlib
import socket
import stat
import threading

import grpc

from common import crashpoints, labels
from common.errors import FailedPrecondition, Internal, InvalidArgument, NotFound, Unavailable, no_space
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from services.images import digests, mountpoints
from services.images.build.host_config import HostConfig
from services.images.snapshots import described
from common import fstree as trees
from common.layerview import LayerTree

log = logging.getLogger("doca.images.build")

LABEL = labels.BUILD
MARKER_PREFIX = "run-"
MOUNT_POINTS = ("proc", "dev", "sys")
ETC_FILES = ("/etc/hosts", "/etc/hostname", "/etc/resolv.conf")  # the network service's, bound
CALL_TIMEOUT = 120  # seconds for Create, Start, Remove: they never take that long when healthy
FULL_BELOW = 1024 * 1024  # bytes: a RUN that failed with less left failed for space (see _full)


@dataclasses.dataclass
class Process:
    args: list[str]
    env: list[str]
    cwd: str
    user: str
    mounts: list = dataclasses.field(default_factory=list)  # runtime Mount messages
    network: str = "none"  # "none", "" (the default network), "host" or a network's name


class StepFailed(FailedPrecondition):
    """The command of a RUN exited with a non-zero code."""


_ERRORS = {grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument, grpc.StatusCode.NOT_FOUND: NotFound,
           grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition, grpc.StatusCode.UNAVAILABLE: Unavailable}


def runtime_error(err: grpc.RpcError, what: str):
    """A runtime error as this service's own, its message kept."""
    cls = _ERRORS.get(err.code(), Internal)
    return cls(f"{what}: {err.details() or err.code().name}")


def _absent(view, paths) -> list[str]:
    """The directories on the way to each path that the image lacks (the
    runtime makes them as mount points), deepest first."""
    out = set()
    for path in paths:
        parts = trees.split(path)
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if trees.lookup(view, prefix, follow_last=False) is None:
                out.update("/".join(parts[:j]) for j in range(i, len(parts) + 1))
                break
    return sorted(out, key=lambda p: (-p.count("/"), p))


class Runner:
    def __init__(self, svc, runtime, network, build_dir: pathlib.Path, build_id: str,
                 host: HostConfig | None = None):
        self.svc = svc
        self.host = host or HostConfig()
        self.runtime = runtime
        self.network = network
        self.build_dir = build_dir
        self.build_id = build_id
        self._current: str | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """Kills the command running now, if any (the build stops after it)."""
        with self._lock:
            self._cancelled = True
            cid = self._current
        if cid:
            try:
                self.runtime.Kill(rpb.KillRequest(id=cid, signal="SIGKILL"), timeout=10)
            except grpc.RpcError:
                pass  # exited meanwhile, or removed: either way it stops

    @contextlib.contextmanager
    def container(self, stage, process: Process, on_output, mount_targets=()):
        """Runs `process` on the stage's layers; yields the upper directory
        once the command exited 0 (StepFailed otherwise). `mount_targets`:
        where RUN --mount put things, taken out of the layer like /proc."""
        if not stage.diff_ids:
            raise InvalidArgument("RUN on an empty image (FROM scratch, nothing copied yet): "
                                  "there is no program to run")
        ctr = _Container(self, os.urandom(32).hex())
        chains = stage.chain_ids
        with self.svc.lock:
            made = self.svc.snapshots.create(ctr.id, stage.layer_image, chains)
        try:
            snap = described(made, [str(self.svc.layers.diff_dir(c)) for c in reversed(chains)])
            absent = _absent(LayerTree(snap["lower_dirs"]), [*MOUNT_POINTS, *ETC_FILES, *mount_targets])
            try:
                ctr.create(stage, process, snap)
                with self._lock:
                    if self._cancelled:
                        raise Unavailable("the build was cancelled")
                    self._current = ctr.id
                result = ctr.run(on_output)
                with self._lock:
                    self._current = None
                ctr.release()  # before its upper directory is read: nothing writes to it any more
            except grpc.RpcError as e:
                raise runtime_error(e, "the RUN container failed") from None
            if self._cancelled:
                raise Unavailable("the build was cancelled")
            if result.exit_code != 0:
                why = f" ({result.error})" if result.error else ""
                oom = " (out of memory)" if result.oom_killed else ""
                failed = f"the command '{' '.join(process.args)}' returned a non-zero code: {result.exit_code}"
                if not oom and _full(snap["upper_dir"]):
                    # Its writes filled the disk (they stay until the snapshot goes):
                    # the one line of a full disk, not the command's exit code alone.
                    raise no_space(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
                                   f"{snap['upper_dir']} ({failed})") from None
                raise StepFailed(f"{failed}{oom}{why}")
            upper = pathlib.Path(snap["upper_dir"])
            for path in absent:  # deepest first; only when empty: a command that wrote there keeps it
                _remove_if_empty(upper / path)
            # and an image's directory overlay copied up only to hold them (/etc), unchanged
            for path in sorted(mountpoints.runtime_made(str(upper), snap["lower_dirs"]), key=lambda p: -p.count("/")):
                _remove_if_empty(upper / path)
            yield upper
        finally:
            with self._lock:
                self._current = None
            if ctr.release_quietly():  # never under a container that may still run: recover() does that
                self.svc.remove_snapshot(ctr.id)
                ctr.marker.unlink(missing_ok=True)


def _remove_if_empty(path: pathlib.Path) -> None:
    """An empty directory or an empty regular file (a file's mount point) goes."""
    with contextlib.suppress(OSError):
        st = path.lstat()
        if stat.S_ISDIR(st.st_mode):
            os.rmdir(path)
        elif stat.S_ISREG(st.st_mode) and st.st_size == 0:
            path.unlink()


def _etc_mounts(sandbox, taken) -> list:
    """The network service's /etc files, bound where RUN --mount put nothing."""
    wanted = zip(ETC_FILES, (sandbox.hosts_path, sandbox.hostname_path, sandbox.resolv_conf_path))
    return [rpb.Mount(destination=dest, type="bind", source=src, options=["rbind", "rprivate", "rw"])
            for dest, src in wanted if src and dest not in taken]


def _full(path: str) -> bool:
    """Less than FULL_BELOW left on the filesystem of `path` (for root: the
    reserved blocks count), the sign of a RUN that failed for space."""
    try:
        st = os.statvfs(path)
    except OSError:
        return False
    return st.f_bfree * st.f_frsize < FULL_BELOW


class _Container:
    """One RUN container and what it holds: the runtime's record and the
    network's sandbox (its /etc files) and endpoint, each released once,
    in the gateway's order."""

    def __init__(self, runner: Runner, cid: str):
        self.r = runner
        self.id = cid
        self.marker = runner.build_dir / (MARKER_PREFIX + cid)
        self.marker.touch()  # first: a crash from here on is cleaned at the next start
        self.created = self.attached = False

    def create(self, stage, process: Process, snap: dict) -> None:
        mode = "none" if process.network == "none" else (process.network or "bridge")
        host = self.r.host
        resources = host.runtime_resources()  # Docker's words for a bad limit, before anything is made
        hostname = socket.gethostname() if mode == "host" else self.id[:12]
        self.attached = True  # a Detach is due (it removes the sandbox's files) even if Prepare fails half-way
        sandbox = self.r.network.Prepare(npb.PrepareRequest(
            container_id=self.id, hostname=hostname, extra_hosts=host.extra_hosts(self.r.network),
            host_network=mode == "host"), timeout=CALL_TIMEOUT)
        mounts = list(process.mounts)
        mounts += _etc_mounts(sandbox, {m.destination for m in mounts})
        # HOSTNAME first, as Docker's daemon gives every container (an ENV of the stage replaces it);
        # not in the step's cache key: the name is the container's own.
        env = list(process.env)
        if not any(e.startswith("HOSTNAME=") for e in env):
            env.insert(0, f"HOSTNAME={hostname}")
        spec = rpb.ContainerSpec(
            name=f"doca-build-{self.id[:12]}", image=digests.short(stage.layer_image), image_id=stage.layer_image,
            process=rpb.Process(args=process.args, env=env, cwd=process.cwd, user=process.user),
            hostname=hostname,
            rootfs=rpb.Rootfs(lower_dirs=snap["lower_dirs"], upper_dir=snap["upper_dir"], work_dir=snap["work_dir"],
                              mounts=[rpb.Mount(**m) for m in snap["mounts"]]),
            mounts=mounts, resources=resources, network_mode=mode, labels={LABEL: self.r.build_id},
            ulimits=host.ulimits, cgroup_parent=host.cgroup_parent)
        made = self.r.runtime.Create(rpb.CreateRequest(id=self.id, spec=spec), timeout=CALL_TIMEOUT)
        self.created = True
        if mode not in ("none", "host"):
            self.r.network.Attach(npb.AttachRequest(container_id=self.id, network=process.network,
                                                    netns_path=made.netns_path), timeout=CALL_TIMEOUT)

    def run(self, on_output) -> rpb.WaitResponse:
        self.r.runtime.Start(rpb.StartRequest(id=self.id), timeout=CALL_TIMEOUT)
        crashpoints.reached("images.build.run")
        for rec in self.r.runtime.Logs(rpb.LogsRequest(id=self.id, follow=True, stdout=True, stderr=True)):
            on_output(int(rec.stream) or 1, rec.data)
        return self.r.runtime.Wait(rpb.WaitRequest(id=self.id))

    def _detach(self) -> None:
        if self.attached:
            self.r.network.Detach(npb.DetachRequest(container_id=self.id), timeout=CALL_TIMEOUT)
            self.attached = False

    def _remove(self) -> None:
        if self.created:
            self.r.runtime.Remove(rpb.RemoveRequest(id=self.id, force=True), timeout=CALL_TIMEOUT)
            self.created = False

    def release(self) -> None:
        """Endpoint, then the container (as the gateway removes one)."""
        self._detach()
        self._remove()

    def release_quietly(self) -> bool:
        """release() after a failure, each part tried whatever the other did;
        errors logged. True when all is gone."""
        for step in (self._detach, self._remove):
            try:
                step()
            except grpc.RpcError as e:
                log.warning("releasing build container %s: %s; left for the next start", self.id[:12], e.details())
        return not (self.created or self.attached)
