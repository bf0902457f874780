"""`network connect` and `network disconnect` with Docker's checks in
Docker's order (daemon/container_operations.go), so that a line naming a
missing network and a missing container fails as Docker's does:

disconnect: the container first ("No such container"); without it, -f
deletes the endpoint of that name (the network first: "network X not
found", then "endpoint X not found"). A stopped container (or -f with a
missing network): "container ID is not connected to the network X". A
running one: the network ("network X not found"), host's conflict, then
"container ID is not connected to network X".

connect: the container first; a running one: --network container:'s
conflict, then the network, then the conflicts of its mode; a stopped
one: the conflicts of its mode, then the network (docker 20.10 records a
missing network for a stopped container and exits 0: DIVERGENCES.md).
"""
import grpc

from common.errors import AlreadyExists, FailedPrecondition, NotFound
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api import net_modes

RUNNING = ("running", "paused", "restarting")  # Docker's State.Running
SHARED = ("container sharing network namespace with another container or host cannot be connected to any other "
          "network")
HOST_CONFLICT = "container cannot be disconnected from host network or connected to host network"
NONE_CONFLICT = "container cannot be connected to multiple networks with one of the networks in private (none) mode"


class _Builtin:
    """Docker's host and none networks: no network service record."""
    def __init__(self, name: str):
        self.name, self.endpoints = name, ()


def _container(clients, ref: str):
    """The container, or None when there is none of that name or id."""
    try:
        return clients.runtime.Inspect(rpb.InspectRequest(id=ref))
    except grpc.RpcError as e:
        if e.code() is grpc.StatusCode.NOT_FOUND:
            return None
        raise


def _network(clients, ref: str, missing_ok: bool = False):
    """(name, endpoints) of the network; None when missing and missing_ok."""
    from gateway.api import network_list
    for builtin in (network_list.HOST, network_list.NONE):
        if ref == builtin.name or (len(ref) >= 3 and builtin.id.startswith(ref)) or ref == builtin.id:
            return _Builtin(builtin.name)
    try:
        detail = clients.network.Inspect(npb.InspectRequest(network=ref))
    except grpc.RpcError as e:
        if missing_ok and e.code() is grpc.StatusCode.NOT_FOUND:
            return None
        raise
    found = _Builtin(detail.network.name)
    found.endpoints = tuple(detail.endpoints)
    return found


def _on(ctr, net) -> bool:
    """Whether the container is on the network (its endpoint, or its mode)."""
    if isinstance(net, _Builtin) and not net.endpoints and net.name in ("host", "none"):
        return ctr.spec.network_mode == net.name
    return any(ep.container_id == ctr.id for ep in net.endpoints)


def disconnect(clients, network: str, container: str, force: bool) -> None:
    ctr = _container(clients, container)
    if ctr is None:
        if not force:
            raise NotFound(f"No such container: {container}")
        _force_endpoint_delete(clients, network, container)
        return
    net = _network(clients, network, missing_ok=True)
    running = ctr.status in RUNNING
    if not running or (net is None and force):
        name = net.name if net is not None else network
        if net is None or not _on(ctr, net):
            raise FailedPrecondition(f"container {ctr.id} is not connected to the network {name}")
    elif net is None:
        raise NotFound(f"network {network} not found")
    else:
        if ctr.spec.network_mode == "host" and net.name == "host":
            raise FailedPrecondition(HOST_CONFLICT)
        if not _on(ctr, net):
            raise FailedPrecondition(f"container {ctr.id} is not connected to network {net.name}")
    if net.name == "host":
        raise FailedPrecondition(HOST_CONFLICT)
    if net.name == "none":  # doca keeps a none container's own namespace: nothing to take it off
        raise FailedPrecondition(f"container {ctr.name} cannot be disconnected from a network: it runs with "
                                 "--network none")
    clients.network.Disconnect(npb.DisconnectRequest(container_id=ctr.id, network=net.name))


def _force_endpoint_delete(clients, network: str, name: str) -> None:
    """Docker's ForceEndpointDelete: an endpoint named after a container that is gone."""
    net = _network(clients, network)
    ep = next((e for e in net.endpoints if e.container_name == name), None)
    if ep is None:
        raise NotFound(f"endpoint {name} not found")
    clients.network.Disconnect(npb.DisconnectRequest(container_id=ep.container_id, network=net.name))


def connect(clients, network: str, container: str, ip: str, aliases) -> None:
    ctr = _container(clients, container)
    if ctr is None:
        raise NotFound(f"No such container: {container}")
    mode = ctr.spec.network_mode
    if ctr.status in RUNNING:
        if mode.startswith(net_modes.PREFIX):
            raise FailedPrecondition(SHARED)
        net = _network(clients, network)
        _mode_conflicts(ctr, "connected to")
    else:
        _mode_conflicts(ctr, "connected to")
        net = _network(clients, network)
    if net.name in ("host", "none"):
        raise FailedPrecondition(SHARED if net.name == "host" else NONE_CONFLICT)
    if not ctr.netns_path:
        raise FailedPrecondition(f"container {ctr.name} has no network namespace")
    if _on(ctr, net):  # the service's Attach is idempotent; Docker's is not
        raise AlreadyExists(f"endpoint with name {ctr.name} already exists in network {net.name}")
    clients.network.Attach(npb.AttachRequest(
        container_id=ctr.id, network=net.name, netns_path=ctr.netns_path, container_name=ctr.name,
        ip_address=ip, aliases=aliases))


def _mode_conflicts(ctr, what: str) -> None:
    mode = ctr.spec.network_mode
    if net_modes.is_shared(mode):  # Docker's words (runconfig's errors)
        raise FailedPrecondition(SHARED)
    if mode == "none":
        raise FailedPrecondition(NONE_CONFLICT)
