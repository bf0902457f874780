"""Pod sandboxes onto doca.v1: a pod is a doca container that holds the
namespaces its containers join (network, IPC; the hostname with the
network, as Docker's --network container: gives it).

First slice (DESIGN.md, "Pods onto doca"): the holder is a tiny process,
the built-in busybox's `cat` of a FIFO under doca's init (so a stop ends it at
once), on doca's default bridge; the namespace pins without a process are
the plan. Its containers join it with --network/--ipc container:<pod>."""
import socket

import grpc

from common.errors import InvalidArgument
from doca.cri.runtime.v1 import api_pb2
from doca.v1 import containers_pb2 as cpb
from gateway.cri import records

# The holder: present in every fresh store (services/images/builtin.py).
PAUSE_IMAGE = "busybox:latest"
# Blocks forever at no cost (opening a FIFO no one writes to) under a name
# no test looks for: a pod-wide PID namespace shows the holder to every
# container, and critest checks that its `sleep` is gone after an ExecSync
# timeout (a holder named sleep would be found).
PAUSE_CMD = ["sh", "-c", "mkfifo /.doca-pod-hold && exec cat /.doca-pod-hold"]

POD, CONTAINER, NODE, TARGET = (api_pb2.POD, api_pb2.CONTAINER, api_pb2.NODE, api_pb2.TARGET)
PROTOCOLS = {api_pb2.TCP: "tcp", api_pb2.UDP: "udp", api_pb2.SCTP: "sctp"}


def _name(md) -> str:
    # kubelet's (and dockershim's) naming: unique per pod attempt
    return records.short(f"k8s_POD_{md.name}_{md.namespace}_{md.uid}_{md.attempt}")


def run(b, request) -> str:
    cfg = request.config
    md = cfg.metadata
    if not md.name:
        raise InvalidArgument("PodSandboxConfig.metadata.name is empty")
    if request.runtime_handler:
        raise InvalidArgument(f"no runtime handler {request.runtime_handler!r} (doca advertises none)")
    ns = cfg.linux.security_context.namespace_options
    modes = {"network": ns.network, "pid": ns.pid, "ipc": ns.ipc}
    c = cpb.ContainerConfig(
        image=PAUSE_IMAGE, cmd=PAUSE_CMD, name=_name(md), init=True, detached=True,
        labels=records.labels_for(
            records.SANDBOX_KIND,
            {"name": md.name, "uid": md.uid, "namespace": md.namespace, "attempt": md.attempt},
            cfg.labels, cfg.annotations, **{records.NAMESPACES: _json(modes)}),
        sysctls=[f"{k}={v}" for k, v in sorted(cfg.linux.sysctls.items())],
        dns=list(cfg.dns_config.servers), dns_search=list(cfg.dns_config.searches),
        dns_options=list(cfg.dns_config.options),
        cgroup_parent=cfg.linux.cgroup_parent)
    if ns.network == NODE:
        c.network = "host"
    else:
        # no hostname: the node's, as containerd's (a new UTS namespace
        # starts with the host's name), not doca's id-prefix default
        c.hostname = cfg.hostname or socket.gethostname()
        for p in cfg.port_mappings:
            if p.host_port <= 0:
                continue  # a container port alone publishes nothing (the CNI portmap's rule)
            host = f"{p.host_ip}:" if p.host_ip else ""
            c.publish.append(f"{host}{p.host_port}:{p.container_port}/{PROTOCOLS.get(p.protocol, 'tcp')}")
    c.ipc = "host" if ns.ipc == NODE else "shareable"
    if ns.pid == NODE:
        c.pid = "host"
    pod_id = b.containers.Create(c).id
    try:
        b.containers.Start(cpb.ContainerRef(id=pod_id))
    except grpc.RpcError:
        b.containers.Remove(cpb.RemoveRequest(id=pod_id, force=True))
        raise
    return pod_id


def _json(value) -> str:
    import json
    return json.dumps(value, sort_keys=True)


def members(b, pod_id: str) -> list:
    return [s for s in records.listed(b, records.CONTAINER_KIND) if s.labels.get(records.SANDBOX) == pod_id]


def stop(b, ref: str) -> None:
    """Its containers and the holder stopped (the address goes with the
    holder's stop); an unknown pod is OK (the CRI's idempotence)."""
    doc = records.inspect(b, ref, records.SANDBOX_KIND)
    if doc is None:
        return
    for s in members(b, doc["Id"]):
        if s.state in ("running", "restarting", "paused"):
            b.containers.Stop(cpb.StopRequest(id=s.id, timeout=0))
    if (doc.get("State") or {}).get("Running"):
        b.containers.Stop(cpb.StopRequest(id=doc["Id"], timeout=0))


def remove(b, ref: str) -> None:
    doc = records.inspect(b, ref, records.SANDBOX_KIND)
    if doc is None:
        return
    for s in members(b, doc["Id"]):
        _remove(b, s.id)
    _remove(b, doc["Id"])


def _remove(b, cid: str) -> None:
    try:
        b.containers.Remove(cpb.RemoveRequest(id=cid, force=True))
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.NOT_FOUND:
            raise


def _metadata(labels) -> api_pb2.PodSandboxMetadata:
    md = records.loads(labels, records.METADATA)
    return api_pb2.PodSandboxMetadata(name=md.get("name", ""), uid=md.get("uid", ""),
                                      namespace=md.get("namespace", ""), attempt=int(md.get("attempt", 0)))


def _state(running: bool) -> int:
    return api_pb2.SANDBOX_READY if running else api_pb2.SANDBOX_NOTREADY


def status(b, ref: str, verbose: bool) -> api_pb2.PodSandboxStatusResponse:
    doc = records.must_inspect(b, ref, records.SANDBOX_KIND)
    labels = doc["Config"].get("Labels") or {}
    running = bool((doc.get("State") or {}).get("Running"))
    modes = records.loads(labels, records.NAMESPACES)
    st = api_pb2.PodSandboxStatus(
        id=doc["Id"], metadata=_metadata(labels), state=_state(running),
        created_at=records.nanos(doc.get("Created", "")),
        labels=records.loads(labels, records.LABELS), annotations=records.loads(labels, records.ANNOTATIONS),
        linux=api_pb2.LinuxPodSandboxStatus(namespaces=api_pb2.Namespace(options=api_pb2.NamespaceOption(
            network=modes.get("network", POD), pid=modes.get("pid", CONTAINER), ipc=modes.get("ipc", POD)))))
    ip = ((doc.get("NetworkSettings") or {}).get("IPAddress") or "") if running else ""
    if ip:
        st.network.ip = ip
    out = api_pb2.PodSandboxStatusResponse(status=st)
    if verbose:
        out.info["info"] = _json({"pid": (doc.get("State") or {}).get("Pid", 0), "doca": doc})
    return out


def list_(b, f) -> list:
    out = []
    for s in records.listed(b, records.SANDBOX_KIND):
        state = _state(s.state == "running")
        labels = records.loads(s.labels, records.LABELS)
        if f is not None:
            if f.id and not s.id.startswith(f.id):
                continue
            if f.HasField("state") and f.state.state != state:
                continue
            if not records.selected(labels, f.label_selector):
                continue
        out.append(api_pb2.PodSandbox(
            id=s.id, metadata=_metadata(s.labels), state=state,
            created_at=s.created_at.ToNanoseconds(), labels=labels,
            annotations=records.loads(s.labels, records.ANNOTATIONS)))
    return out
