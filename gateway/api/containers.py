"""Container flows that span services: create (image -> snapshot -> volumes
-> runtime create -> network attach), start (its published ports held again
first, see port_parking), run, remove. Create and remove write an intent
record before their first step (intents.py): a failed create releases
whatever it took in every service, and one the gateway did not live to
finish is rolled back at its next start (reconcile.py), so neither an error
nor a kill leaves anything behind."""
import logging
import os
import threading

import grpc

from common import crashpoints, validate
from common.errors import FailedPrecondition, InvalidArgument
from doca.images.v1 import images_pb2 as ipb
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.volumes.v1 import volumes_pb2 as vpb
from gateway.api import anonymous_volumes, config_checks, intents, mount_flag, ports, spec as specs, volumes_from
from gateway.api import run_more
from gateway.api.clients import Clients
from gateway.api import net_modes  # noqa: I001 - --network host/container:, --pid/--ipc container:
from gateway.api.port_parking import PortParking, port_taken

log = logging.getLogger("doca.gateway")
HOSTS = "/etc/hosts"  # the network service's files for the container, bind-mounted
RECONCILE_WAIT = 10.0  # seconds to wait for a container another request is starting


def _etc_files(sandbox, mounts) -> list:
    """/etc/hosts, /etc/hostname, /etc/resolv.conf from the network service,
    as Docker gives them, unless the user mounts one of those paths."""
    taken = {m.destination for m in mounts}
    wanted = ((HOSTS, sandbox.hosts_path), ("/etc/hostname", sandbox.hostname_path),
              ("/etc/resolv.conf", sandbox.resolv_conf_path))
    return [rpb.Mount(destination=dest, type="bind", source=src, options=["rbind", "rprivate", "rw"])
            for dest, src in wanted if src and dest not in taken]


def _rootfs(snap: ipb.Snapshot) -> rpb.Rootfs:
    """The snapshot as the images service describes it: the runtime mounts
    its mounts as they are."""
    return rpb.Rootfs(lower_dirs=snap.lower_dirs, upper_dir=snap.upper_dir, work_dir=snap.work_dir,
                      mounts=[rpb.Mount(type=m.type, source=m.source, options=m.options) for m in snap.mounts])


_UNDO = {"timeout": intents.UNDO_WAIT, "wait_for_ready": True}


class Containers:
    def __init__(self, clients: Clients, journal: intents.Journal):
        self.c = clients
        self.journal = journal
        self._watched: set[str] = set()
        self._lock = threading.Lock()
        self.parking = PortParking(clients)  # published ports follow the container's state

    # -- create -------------------------------------------------------------

    def create(self, cfg, detached: bool = False) -> rpb.Container:
        """`detached`: a run -d (Docker's Config.Attach* say it)."""
        config_checks.check(cfg)
        image = self.c.images.Inspect(ipb.InspectRequest(reference=cfg.image or ""))
        res = specs.resources(cfg)
        mode = specs.network_mode(cfg)
        run_more.check(cfg, mode)
        policy = specs.restart_policy(cfg)
        userns = specs.userns_remap(cfg.userns_remap)
        log_cfg = specs.log_config(dict(cfg.log_opts), cfg.log_driver)
        pid_mode, ipc_mode, uts_mode = specs.namespace_modes(cfg)
        joins = net_modes.resolve(self.c.runtime, cfg, mode, pid_mode, ipc_mode)
        mode, pid_mode, ipc_mode = joins.network, joins.pid, joins.ipc
        mac = net_modes.mac_address(cfg, mode)
        net_modes.check_links(cfg, mode)
        links = net_modes.link_hosts(self.c.runtime, self.c.network, cfg, mode)
        health = specs.healthcheck(cfg, image.config.healthcheck)
        timeout = specs.stop_timeout(cfg) if cfg.HasField("stop_timeout") else None
        publish, exposed = ports.bindings(cfg, image.config.exposed_ports)
        if net_modes.is_shared(mode):
            publish = []  # the host's ports are its own (Docker warns they are discarded)
        if mode == "none" and publish:
            raise InvalidArgument("conflicting options: port publishing and the container type network mode")

        volumes = [specs.parse_volume(v) for v in cfg.volumes]
        mounted, mounted_tmpfs = mount_flag.split(cfg.mounts)  # --mount: as -v and --tmpfs give them
        volumes += mounted
        volumes += volumes_from.volumes(self.c.runtime, cfg.volumes_from)
        volumes += anonymous_volumes.destinations(volumes, image.config.volumes)
        tmpfs = [specs.parse_tmpfs(t) for t in cfg.tmpfs] + mounted_tmpfs
        sysctls = specs.sysctls(cfg.sysctls)
        args, entrypoint, cmd = specs.command(cfg, image.config)
        workdir = specs.working_dir(cfg, image.config)
        config_env = specs.config_env(image.config.env, cfg.env)
        cid = os.urandom(32).hex()
        hostname = net_modes.hostname(cfg, joins, cid[:12])
        env = specs.environment(config_env, hostname, cfg.tty)
        intent = self.journal.begin(intents.CREATE, cid)
        try:
            snap = self.c.images.PrepareSnapshot(ipb.PrepareSnapshotRequest(image=image.id, container_id=cid))
            crashpoints.reached("gateway.create.snapshot")
            mounts = self._mounts(cid, volumes, snap.lower_dirs) + tmpfs
            crashpoints.reached("gateway.create.volumes")
            # Ports held, /etc/hosts, hostname and resolv.conf made (also
            # with --network none, as Docker's): before the runtime mounts them.
            sandbox = self._prepare(npb.PrepareRequest(
                container_id=cid, hostname=hostname, ports=publish, exposed=exposed,
                extra_hosts=self._extra_hosts(cfg.add_hosts, mode) + [
                    npb.ExtraHost(name=name, ip=ip) for name, ip in links], dns=cfg.dns,
                dns_search=cfg.dns_search, dns_options=cfg.dns_options, host_network=mode == "host"))
            crashpoints.reached("gateway.create.sandbox")
            mounts += (net_modes.donor_etc_files(joins.donor, mounts) if joins.donor is not None
                       else _etc_files(sandbox, mounts))
            spec = rpb.ContainerSpec(
                name=cfg.name, image=cfg.image, image_id=image.id,
                process=rpb.Process(args=args, env=env, cwd=workdir,
                                    user=cfg.user or image.config.user),
                hostname=hostname,
                rootfs=_rootfs(snap),
                mounts=mounts, resources=res, network_mode=mode, labels=dict(cfg.labels),
                auto_remove=cfg.auto_remove, cmd=cmd, entrypoint=entrypoint,
                stop_signal=cfg.stop_signal or image.config.stop_signal, restart_policy=policy,
                tty=cfg.tty, open_stdin=cfg.interactive, log=log_cfg,
                console_size=rpb.WindowSize(rows=cfg.console_size.rows, cols=cfg.console_size.cols),
                cap_add=cfg.cap_add, cap_drop=cfg.cap_drop, privileged=cfg.privileged,
                security_opt=cfg.security_opt, ulimits=cfg.ulimits)
            spec.rootfs.readonly = cfg.read_only
            spec.init = cfg.init
            spec.runtime = cfg.runtime
            spec.cgroupns = cfg.cgroupns or "private"
            spec.network_default = cfg.network in ("", "default")  # inspect says "default", as Docker's
            spec.config_env.extend(config_env)
            spec.group_add.extend(cfg.group_add)
            spec.domainname = cfg.domainname
            spec.sysctls.update(sysctls)
            spec.extra_hosts.extend(cfg.add_hosts)
            spec.dns.extend(cfg.dns)
            spec.dns_search.extend(cfg.dns_search)
            spec.dns_options.extend(cfg.dns_options)
            spec.publish_all = cfg.publish_all
            spec.tmpfs.update({t.partition(":")[0]: t.partition(":")[2] for t in cfg.tmpfs})
            spec.binds.extend(v for v, parsed in zip(cfg.volumes, volumes) if parsed.source)
            spec.log_opts.update(cfg.log_opts)
            spec.detached = detached
            if cfg.cri_log_path and not validate.text(cfg.cri_log_path, "cri_log_path", 4096).startswith("/"):
                raise InvalidArgument(f"cri_log_path must be an absolute path: {cfg.cri_log_path}")
            spec.cri_log_path = cfg.cri_log_path  # the CRI face's (issue 14): the shim writes it
            # the CRI's and the Engine API's lists, checked by the runtime (security/system_paths.py)
            spec.masked_paths.extend(cfg.masked_paths)
            spec.readonly_paths.extend(cfg.readonly_paths)
            spec.masked_paths_set, spec.readonly_paths_set = cfg.masked_paths_set, cfg.readonly_paths_set
            spec.pid_mode, spec.ipc_mode, spec.uts_mode = pid_mode, ipc_mode, uts_mode
            spec.volumes_from.extend(cfg.volumes_from)
            spec.mac_address = cfg.mac_address
            spec.links.extend(cfg.links)
            spec.exposed_ports.extend(exposed)
            # Docker's Config.Volumes: the anonymous -v paths and the image's VOLUMEs
            spec.config_volumes.extend(dict.fromkeys(
                [v.destination for v in volumes[:len(cfg.volumes)] if not v.source] + list(image.config.volumes)))
            if userns is not None:
                spec.userns.CopyFrom(userns)
            if health is not None:
                spec.healthcheck.CopyFrom(health)
            if timeout is not None:
                spec.stop_timeout = timeout
            run_more.apply(spec, cfg, detached)
            run_more.healthcheck_start_interval(spec, cfg, specs.duration_ns)
            ctr = self.c.runtime.Create(rpb.CreateRequest(id=cid, spec=spec))
            crashpoints.reached("gateway.create.runtime")
            if mode != "none" and not net_modes.is_shared(mode):
                self.c.network.Attach(npb.AttachRequest(
                    container_id=cid, network=mode, netns_path=ctr.netns_path, container_name=ctr.name,
                    ip_address=cfg.ip, aliases=cfg.network_aliases, mac_address=mac))
                crashpoints.reached("gateway.create.attach")
        except BaseException:
            self.roll_back(intent)
            raise
        intent.done()
        return ctr

    def roll_back(self, intent: intents.Intent) -> bool:
        """Undoes a create, or finishes a remove: whatever any service holds
        for the container, taken or not (each release is idempotent), in
        remove's order; its anonymous volumes too (a remove's only with
        -v or --rm). Every step is tried whatever the others did; if one
        fails, the intent stays for the reconciler. True when all is done."""
        cid = intent.container
        steps = [
            ("stop", lambda: self.c.runtime.Stop(rpb.StopRequest(id=cid, timeout=0), **_UNDO)),
            ("snapshot", lambda: self.c.images.RemoveSnapshot(ipb.RemoveSnapshotRequest(container_id=cid), **_UNDO)),
            ("network", lambda: self.c.network.Detach(npb.DetachRequest(container_id=cid), **_UNDO)),
            ("volumes", lambda: self.c.volumes.Release(vpb.ReleaseRequest(container_id=cid), **_UNDO)),
            ("container", lambda: self.c.runtime.Remove(rpb.RemoveRequest(id=cid, force=True), **_UNDO)),
        ]
        if intent.flow == intents.CREATE or intent.data.get("volumes"):
            steps.append(("anonymous volumes", lambda: self._remove_volumes_made_for(cid)))
        failed = []
        for what, step in steps:
            try:
                step()
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.NOT_FOUND:
                    failed.append(f"{what}: {e.details()}")
            except Exception as e:  # noqa: BLE001 - the other steps still run
                failed.append(f"{what}: {e}")
        if failed:
            log.warning("releasing what container %s held: %s; will try again", cid[:12], "; ".join(failed))
            intent.park()
            return False
        intent.done()
        return True

    def _remove_volumes_made_for(self, cid: str) -> None:
        """Never forced: one another container took meanwhile (by its
        name) stays, as with a plain rm -v."""
        for vol in self.c.volumes.List(vpb.ListRequest(), **_UNDO).volumes:
            if not anonymous_volumes.made_for(vol, cid):
                continue
            try:
                self.c.volumes.Remove(vpb.RemoveRequest(name=vol.name), **_UNDO)
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
                log.warning("volume %s of %s stays: %s", vol.name, cid[:12], e.details())

    def _extra_hosts(self, add_hosts, mode: str) -> list:
        """--add-host NAME:IP; "host-gateway" is the host's address on the
        container's network (its bridge's gateway), as Docker resolves it."""
        out = []
        for item in add_hosts:
            name, sep, ip = item.partition(":")
            if not sep or not name or not ip:
                raise InvalidArgument(f"invalid argument {item!r} for --add-host: expected NAME:IP")
            if ip == "host-gateway":
                nets = self.c.network.List(npb.ListRequest()).networks
                ip = next((n.gateway for n in nets if n.name == mode), "")
            out.append(npb.ExtraHost(name=name, ip=ip))
        return out

    def _prepare(self, request: npb.PrepareRequest) -> npb.Sandbox:
        """Prepare; a port still held by a container that stopped an instant
        ago (its "die" not yet followed) is released, and Prepare tried again."""
        try:
            return self.c.network.Prepare(request)
        except grpc.RpcError as e:
            if not (request.ports and port_taken(e) and self.parking.reconcile(timeout=RECONCILE_WAIT)):
                raise
        return self.c.network.Prepare(request)

    def _mounts(self, cid, volumes, image_layers) -> list:
        mounts = []
        for v in volumes:
            source, dest, ro, copy = v[:4]
            options = ["rbind", getattr(v, "propagation", "") or "rprivate", "ro" if ro else "rw"]
            if source.startswith("/"):
                mounts.append(rpb.Mount(destination=dest, type="bind", source=source, options=options))
                continue
            if not source:  # anonymous: made for this container, gone with a failed create
                source = self.c.volumes.Create(vpb.CreateRequest(labels=anonymous_volumes.labels(cid))).name
            elif getattr(v, "labels", ()) or getattr(v, "options", ()):
                self._make_volume(source, dict(v.labels), dict(v.options))
            vol = self.c.volumes.Acquire(vpb.AcquireRequest(
                name=source, container_id=cid, image_layers=image_layers if copy else [], path=dest))
            mounts.append(rpb.Mount(destination=dest, type="bind", source=vol.mountpoint,
                                    options=options, volume=vol.name))
        return mounts

    def _make_volume(self, name: str, labels: dict, options: dict) -> None:
        """--mount's volume-label/volume-opt: the named volume made with them
        when missing, as Docker's; one that exists keeps its own."""
        try:
            self.c.volumes.Inspect(vpb.InspectRequest(name=name))
            return
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.NOT_FOUND:
                raise
        try:
            self.c.volumes.Create(vpb.CreateRequest(name=name, labels=labels, options=options))
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.ALREADY_EXISTS:  # made meanwhile: as found
                raise

    # -- start / run ----------------------------------------------------------

    def start(self, ref: str, hold: bool = True) -> rpb.Container:
        """`hold`: its published ports are held again first (they were
        released when it stopped); off for run's first start, which keeps
        what its create reserved. A port taken meanwhile fails the start
        and the container stays as it was."""
        ctr = None
        try:
            if hold:
                found = self.c.runtime.Inspect(rpb.InspectRequest(id=ref))
                if found.spec.network_mode != "none" and found.status not in ("running", "paused"):
                    ctr = self._start_holding(found)
            if ctr is None:
                ctr = self.c.runtime.Start(rpb.StartRequest(id=ref))
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.NOT_FOUND:
                self.remove_after_failed_start(ref)
            raise
        if ctr.spec.auto_remove:
            self.watch_auto_remove(ctr.id)
        return ctr

    def remove_after_failed_start(self, ref: str) -> None:
        """--rm: Docker's daemon removes a container whose start failed
        (e.g. its --network container: donor is not running) before it
        answers; the start's own error is what the client sees."""
        try:
            ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=ref))
            if ctr.spec.auto_remove and ctr.status not in ("running", "paused", "restarting"):
                self.remove(ctr.id, force=True, known=ctr)
        except grpc.RpcError as e:
            log.warning("auto-remove of %s after a failed start: %s", ref[:12], e.details())

    def _start_holding(self, ctr: rpb.Container) -> rpb.Container:
        with self.parking.guard(ctr.id):
            self.parking.hold_for_start(ctr)
            try:
                return self.c.runtime.Start(rpb.StartRequest(id=ctr.id))
            except BaseException:
                self.parking.settle_held(ctr.id)  # not started: given back again
                raise

    def wait_and_clean(self, ctr: rpb.Container) -> rpb.WaitResponse:
        result = self.c.runtime.Wait(rpb.WaitRequest(id=ctr.id))
        if ctr.spec.auto_remove:
            self.remove(ctr.id, force=True, known=ctr)
        return result

    def watch_auto_remove(self, cid: str) -> None:
        """--rm on a detached container: remove it when it exits, from a
        thread of the gateway (resumed at gateway start for older ones)."""
        with self._lock:
            if cid in self._watched:
                return
            self._watched.add(cid)

        def watch():
            try:
                self.wait_and_clean(self.c.runtime.Inspect(rpb.InspectRequest(id=cid)))
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.NOT_FOUND:
                    log.warning("auto-remove of %s: %s", cid[:12], e.details())
            finally:
                with self._lock:
                    self._watched.discard(cid)
        threading.Thread(target=watch, name=f"autorm-{cid[:12]}", daemon=True).start()

    def resume_auto_remove(self) -> None:
        try:
            resp = self.c.runtime.List(rpb.ListRequest(all=True), timeout=60, wait_for_ready=True)
        except grpc.RpcError as e:
            log.warning("cannot resume auto-remove watchers: %s", e.details())
            return
        for ctr in resp.containers:
            if ctr.spec.auto_remove and ctr.status != "created":
                self.watch_auto_remove(ctr.id)

    # -- remove ---------------------------------------------------------------

    def remove(self, ref: str, force: bool, known: rpb.Container | None = None, volumes: bool = False) -> str:
        """Endpoint, snapshot and volume references (at once: they are
        independent), then the runtime's record (cgroups, bundle) last: a
        crash at any step leaves a container that a second remove finishes.
        `known`: the container as the caller already has it, when it has
        exited (saves a lookup). `volumes` (rm -v; always with --rm): its
        anonymous volumes go too."""
        ctr = known or self.c.runtime.Inspect(rpb.InspectRequest(id=ref))
        cid = ctr.id
        if known is None and ctr.status in ("running", "paused", "restarting"):
            if not force:
                raise FailedPrecondition(
                    f"cannot remove container {ctr.name}: container is running: stop the container before removing or force remove")
        # On disk only while the gateway works on it: if it dies, its next
        # start finishes the remove; an error here leaves the container
        # listed, for the user to remove again.
        intent = self.journal.begin(intents.REMOVE, cid, required=False,
                                     volumes=bool(volumes or ctr.spec.auto_remove))
        try:
            if known is None and ctr.status in ("running", "paused", "restarting", "created"):
                self.c.runtime.Stop(rpb.StopRequest(id=cid, timeout=0))
            crashpoints.reached("gateway.remove.stopped")
            calls = [self.c.images.RemoveSnapshot.future(ipb.RemoveSnapshotRequest(container_id=cid))]
            # Every container has a sandbox (its /etc files), --network none too.
            calls.append(self.c.network.Detach.future(npb.DetachRequest(container_id=cid)))
            if any(m.volume for m in ctr.spec.mounts):
                calls.append(self.c.volumes.Release.future(vpb.ReleaseRequest(container_id=cid)))
            for call in calls:
                call.result()  # raises the service's error, if any
            crashpoints.reached("gateway.remove.released")
            self.c.runtime.Remove(rpb.RemoveRequest(id=cid, force=True))
            if volumes or ctr.spec.auto_remove:
                self._remove_anonymous_volumes(ctr)
        finally:
            intent.done()
        return cid

    def _remove_anonymous_volumes(self, ctr: rpb.Container) -> None:
        """After the container's record: a volume that stays (another
        container took it meanwhile) is logged, not an error of the remove."""
        for name in {m.volume for m in ctr.spec.mounts if m.volume}:
            try:
                if anonymous_volumes.made_for(self.c.volumes.Inspect(vpb.InspectRequest(name=name)), ctr.id):
                    self.c.volumes.Remove(vpb.RemoveRequest(name=name))
            except grpc.RpcError as e:
                log.warning("volume %s of %s stays: %s", name, ctr.id[:12], e.details())
