"""The CRI's containers onto doca.v1: a doca container that joins its pod's
holder (--network/--ipc container:<pod>, --pid too for a pod-wide PID
namespace), created without starting, as the CRI's Create/Start split.

The CRI log file (log_directory/log_path) is written by the runtime's shim
(doca.v1 ContainerConfig.cri_log_path), beside doca's own log; ReopenContainerLog
is doca.v1 ReopenLog.
Not done yet (this slice): devices, UpdateContainerResources."""
import json
import os

import grpc

from common.errors import InvalidArgument
from doca.cri.runtime.v1 import api_pb2
from doca.v1 import containers_pb2 as cpb
from gateway.cri import images, pods, records

PROPAGATION = {api_pb2.PROPAGATION_PRIVATE: "", api_pb2.PROPAGATION_HOST_TO_CONTAINER: "rslave",
               api_pb2.PROPAGATION_BIDIRECTIONAL: "rshared"}
STATES = {"created": api_pb2.CONTAINER_CREATED, "running": api_pb2.CONTAINER_RUNNING,
          "paused": api_pb2.CONTAINER_RUNNING, "restarting": api_pb2.CONTAINER_RUNNING,
          "exited": api_pb2.CONTAINER_EXITED, "dead": api_pb2.CONTAINER_EXITED}


def _name(md, pod_md: dict) -> str:
    return records.short(f"k8s_{md.name}_{pod_md.get('name', '')}_{pod_md.get('namespace', '')}_"
                         f"{pod_md.get('uid', '')}_{md.attempt}")


def _text(value: bytes) -> str:
    # KeyValue.value is bytes in cri-api v0.36 (an env value need not be
    # UTF-8); doca.v1's env is text
    return value.decode("utf-8", "replace")


def _volume(m) -> str:
    if m.HasField("image"):
        # image volumes are not done: UNIMPLEMENTED, which conformance skips
        raise images.Unimplemented("image volumes (Mount.image) are not supported by doca yet")
    if not m.host_path or not m.container_path:
        raise InvalidArgument("a mount needs host_path and container_path")
    if ":" in m.host_path or ":" in m.container_path:
        raise InvalidArgument(f"a mount path with ':' is not supported yet: {m.host_path} -> {m.container_path}")
    opts = [o for o in ("ro" if m.readonly else "", PROPAGATION.get(m.propagation, "")) if o]
    return f"{m.host_path}:{m.container_path}" + (":" + ",".join(opts) if opts else "")


def create(b, request) -> str:
    cfg = request.config
    if not cfg.metadata.name:
        raise InvalidArgument("ContainerConfig.metadata.name is empty")
    if not cfg.image.image:
        raise InvalidArgument("ContainerConfig.image.image is empty")
    pod = records.must_inspect(b, request.pod_sandbox_id, records.SANDBOX_KIND)
    pod_id, pod_labels = pod["Id"], pod["Config"].get("Labels") or {}
    modes = records.loads(pod_labels, records.NAMESPACES)
    log_dir = request.sandbox_config.log_directory
    log_path = os.path.join(log_dir, cfg.log_path) if log_dir and cfg.log_path else cfg.log_path
    mounts = [{"container_path": m.container_path, "host_path": m.host_path, "readonly": m.readonly,
               "propagation": m.propagation} for m in cfg.mounts]
    c = cpb.ContainerConfig(
        image=cfg.image.image, name=_name(cfg.metadata, records.loads(pod_labels, records.METADATA)),
        env=[f"{kv.key}={_text(kv.value)}" for kv in cfg.envs], workdir=cfg.working_dir,
        tty=cfg.tty, interactive=cfg.stdin, detached=True,
        volumes=[_volume(m) for m in cfg.mounts],
        cri_log_path=log_path if os.path.isabs(log_path) else "",  # a relative one has no place to be written
        cgroup_parent=request.sandbox_config.linux.cgroup_parent,
        labels=records.labels_for(
            records.CONTAINER_KIND, {"name": cfg.metadata.name, "attempt": cfg.metadata.attempt},
            cfg.labels, cfg.annotations,
            **{records.SANDBOX: pod_id,
               records.EXTRA: json.dumps({"image": cfg.image.image, "log_path": log_path, "mounts": mounts})}))
    if cfg.command:
        c.entrypoint.extend(cfg.command)
        c.cmd.extend(cfg.args)
    elif cfg.args:
        c.cmd.extend(cfg.args)
    c.network = "host" if modes.get("network") == pods.NODE else f"container:{pod_id}"
    sc = cfg.linux.security_context
    ns = sc.namespace_options if cfg.linux.HasField("security_context") else None
    pod_ipc = modes.get("ipc", pods.POD)
    c.ipc = "host" if pod_ipc == pods.NODE else f"container:{pod_id}"
    pid = ns.pid if ns is not None else modes.get("pid", pods.CONTAINER)
    if pid == pods.NODE:
        c.pid = "host"
    elif pid == pods.POD:
        c.pid = f"container:{pod_id}"
    elif pid == pods.TARGET and ns.target_id:
        c.pid = f"container:{ns.target_id}"
    _security(c, sc)
    _resources(c, cfg.linux.resources)
    return b.containers.Create(c).id


def _security(c, sc) -> None:
    c.privileged = sc.privileged
    c.read_only = sc.readonly_rootfs
    c.cap_add.extend(sc.capabilities.add_capabilities)
    c.cap_drop.extend(sc.capabilities.drop_capabilities)
    user = str(sc.run_as_user.value) if sc.HasField("run_as_user") else sc.run_as_username
    if sc.HasField("run_as_group"):
        if not user:
            raise InvalidArgument("run_as_group needs run_as_user or run_as_username")
        user += f":{sc.run_as_group.value}"
    c.user = user
    c.group_add.extend(str(g) for g in sc.supplemental_groups)
    if sc.no_new_privs:
        c.security_opt.append("no-new-privileges")
    seccomp = _seccomp(sc)
    if seccomp:
        c.security_opt.append(seccomp)
    # A list given replaces doca's default one; an empty one is the CRI's
    # nil on the wire (the default kept), as containerd reads it.
    if sc.masked_paths:
        c.masked_paths.extend(sc.masked_paths)
        c.masked_paths_set = True
    if sc.readonly_paths:
        c.readonly_paths.extend(sc.readonly_paths)
        c.readonly_paths_set = True


def _seccomp(sc) -> str:
    """The CRI's seccomp as doca's --security-opt: RuntimeDefault is doca's
    built-in profile; Unconfined, and no profile at all (the CRI's nil), is
    none; Localhost is the file's content (doca.v1 carries a profile, never
    a path: the face reads it here, on the node, as a runtime does)."""
    if sc.HasField("seccomp"):
        kind, ref = sc.seccomp.profile_type, sc.seccomp.localhost_ref
    elif sc.seccomp_profile_path:
        path = sc.seccomp_profile_path
        if path in ("runtime/default", "docker/default"):
            return ""
        kind, ref = (api_pb2.SecurityProfile.Localhost, path[len("localhost/"):]) \
            if path.startswith("localhost/") else (api_pb2.SecurityProfile.Unconfined, "")
    else:
        return "seccomp=unconfined"
    if kind == api_pb2.SecurityProfile.RuntimeDefault:
        return ""
    if kind == api_pb2.SecurityProfile.Unconfined:
        return "seccomp=unconfined"
    try:
        with open(ref, encoding="utf-8") as f:
            return "seccomp=" + f.read()
    except OSError as e:
        raise InvalidArgument(f"seccomp profile {ref!r}: {e.strerror}") from None


def _resources(c, r) -> None:
    if r.memory_limit_in_bytes > 0:
        c.memory = str(r.memory_limit_in_bytes)
    if r.cpu_shares > 0:
        c.cpu_shares = r.cpu_shares
    if r.cpu_period > 0:
        c.cpu_period = r.cpu_period
    if r.cpu_quota > 0:
        c.cpu_quota = r.cpu_quota
    if r.cpuset_cpus:
        c.cpuset_cpus = r.cpuset_cpus
    if r.cpuset_mems:
        c.cpuset_mems = r.cpuset_mems
    # Never negative: root here lacks CAP_SYS_RESOURCE (platform notes).
    c.oom_score_adj = max(0, r.oom_score_adj)


def start(b, ref: str) -> None:
    doc = records.must_inspect(b, ref, records.CONTAINER_KIND)
    b.containers.Start(cpb.ContainerRef(id=doc["Id"]))


def reopen_log(b, ref: str) -> None:
    """The kubelet renamed the log file: the shim makes a new one (an error,
    e.g. the container does not run, creates none, as the CRI requires)."""
    doc = records.must_inspect(b, ref, records.CONTAINER_KIND)
    b.containers.ReopenLog(cpb.ContainerRef(id=doc["Id"]))


def stop(b, ref: str, timeout: int) -> None:
    """An unknown or stopped container is OK (the CRI's idempotence)."""
    doc = records.inspect(b, ref, records.CONTAINER_KIND)
    if doc is None or not (doc.get("State") or {}).get("Running"):
        return
    b.containers.Stop(cpb.StopRequest(id=doc["Id"], timeout=max(0, timeout)))


def remove(b, ref: str) -> None:
    doc = records.inspect(b, ref, records.CONTAINER_KIND)
    if doc is None:
        return
    try:
        b.containers.Remove(cpb.RemoveRequest(id=doc["Id"], force=True))
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.NOT_FOUND:
            raise


def _metadata(labels) -> api_pb2.ContainerMetadata:
    md = records.loads(labels, records.METADATA)
    return api_pb2.ContainerMetadata(name=md.get("name", ""), attempt=int(md.get("attempt", 0)))


def status(b, ref: str, verbose: bool) -> api_pb2.ContainerStatusResponse:
    doc = records.must_inspect(b, ref, records.CONTAINER_KIND)
    labels = doc["Config"].get("Labels") or {}
    extra = records.loads(labels, records.EXTRA)
    state = doc.get("State") or {}
    cri_state = STATES.get(state.get("Status", ""), api_pb2.CONTAINER_UNKNOWN)
    exit_code = int(state.get("ExitCode") or 0)
    reason = ""
    if cri_state == api_pb2.CONTAINER_EXITED:
        reason = "OOMKilled" if state.get("OOMKilled") else ("Completed" if exit_code == 0 else "Error")
    st = api_pb2.ContainerStatus(
        id=doc["Id"], metadata=_metadata(labels), state=cri_state,
        created_at=records.nanos(doc.get("Created", "")),
        started_at=records.nanos(state.get("StartedAt", "")) if cri_state != api_pb2.CONTAINER_CREATED else 0,
        finished_at=records.nanos(state.get("FinishedAt", "")) if cri_state == api_pb2.CONTAINER_EXITED else 0,
        exit_code=exit_code, reason=reason, message=state.get("Error") or "",
        image=api_pb2.ImageSpec(image=extra.get("image") or doc["Config"].get("Image", "")),
        image_ref=doc.get("Image", ""), image_id=doc.get("Image", ""),
        labels=records.loads(labels, records.LABELS), annotations=records.loads(labels, records.ANNOTATIONS),
        log_path=extra.get("log_path", ""),
        mounts=[api_pb2.Mount(**m) for m in extra.get("mounts", [])])
    out = api_pb2.ContainerStatusResponse(status=st)
    if verbose:
        out.info["info"] = json.dumps({"pid": state.get("Pid", 0), "sandboxID": labels.get(records.SANDBOX, ""),
                                       "doca": doc})
    return out


def list_(b, f) -> list:
    out = []
    for s in records.listed(b, records.CONTAINER_KIND):
        state = STATES.get(s.state, api_pb2.CONTAINER_UNKNOWN)
        labels = records.loads(s.labels, records.LABELS)
        pod_id = s.labels.get(records.SANDBOX, "")
        if f is not None:
            if f.id and not s.id.startswith(f.id):
                continue
            if f.HasField("state") and f.state.state != state:
                continue
            if f.pod_sandbox_id and not pod_id.startswith(f.pod_sandbox_id):
                continue
            if not records.selected(labels, f.label_selector):
                continue
        extra = records.loads(s.labels, records.EXTRA)
        out.append(api_pb2.Container(
            id=s.id, pod_sandbox_id=pod_id, metadata=_metadata(s.labels),
            image=api_pb2.ImageSpec(image=extra.get("image") or s.image), image_ref=s.image, image_id=s.image,
            state=state, created_at=s.created_at.ToNanoseconds(), labels=labels,
            annotations=records.loads(s.labels, records.ANNOTATIONS)))
    return out
