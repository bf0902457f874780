"""doca.v1.Networks and doca.v1.System."""
import os
import platform

from common import request_guard
from common.version import VERSION
from common.errors import InvalidArgument
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import system_pb2 as spb, system_pb2_grpc
from gateway.api import documents, event_filters, network_connect, network_list, spec as specs
from gateway.api.api_common import struct
from gateway.api.clients import Clients
from gateway.api.events import EngineEvents
from gateway.api.info import Info
from gateway.api.prune import Filters, Pruner

API_VERSION = "v1"


@request_guard.guarded  # no NUL in any text field: common/request_guard.py
class NetworksServicer(system_pb2_grpc.NetworksServicer):
    def __init__(self, clients: Clients, events: EngineEvents | None = None):
        self.c = clients
        self.events = events  # a filtered prune's own "prune" event (the recorder sees only the service's Prune)

    def List(self, request, context):
        return network_list.list_networks(self.c.network, request, _summary)

    def Create(self, request, context):
        return _summary(self.c.network.Create(npb.CreateRequest(
            name=request.name, driver=request.driver, subnet=request.subnet, gateway=request.gateway,
            internal=request.internal, labels=dict(request.labels), ip_range=request.ip_range,
            aux_addresses=dict(request.aux_addresses), options=dict(request.options), attachable=request.attachable,
            scope=request.scope, ipam_driver=request.ipam_driver, ipam_options=dict(request.ipam_options))))

    def Inspect(self, request, context):
        if request.id == "none" or (len(request.id) >= 3 and network_list.NONE.id.startswith(request.id)):
            # Docker's builtin network of the containers without one (the network service has none)
            listed = self.c.runtime.List(rpb.ListRequest(all=False)).containers
            return struct(documents.none_network(network_list.NONE.id, [
                c for c in listed if c.spec.network_mode == "none"]))
        if request.id == "host" or (len(request.id) >= 3 and documents.HOST_NETWORK_ID.startswith(request.id)):
            listed = self.c.runtime.List(rpb.ListRequest(all=False)).containers
            return struct(documents.host_network([c for c in listed if c.spec.network_mode == "host"]))
        detail = self.c.network.Inspect(npb.InspectRequest(network=request.id))
        names = {}
        if detail.endpoints:  # the runtime's names are current (renames)
            listed = self.c.runtime.List(rpb.ListRequest(all=True)).containers
            names = {c.id: c.name for c in listed}
        return struct(documents.network(detail.network, detail.endpoints, names))

    def Remove(self, request, context):
        self.c.network.Remove(npb.RemoveRequest(network=request.id))
        return spb.NetworkRef(id=request.id)

    def Connect(self, request, context):
        network_connect.connect(self.c, request.network, request.container, request.ip_address, request.aliases)
        return spb.ConnectResponse()

    def Disconnect(self, request, context):  # Docker's order of checks: network_connect.py
        network_connect.disconnect(self.c, request.network, request.container, request.force)
        return spb.DisconnectResponse()

    def Prune(self, request, context):
        return spb.PruneNetworksResponse(removed=Pruner(self.c, None, self.events).networks(Filters(request.filters)))


def _summary(n) -> spb.NetworkSummary:
    return spb.NetworkSummary(id=n.id, name=n.name, driver=n.driver, subnet=n.subnet, gateway=n.gateway,
                              bridge=n.bridge, internal=n.internal, labels=n.labels, created=n.created)


@request_guard.guarded  # no NUL in any text field: common/request_guard.py
class SystemServicer(system_pb2_grpc.SystemServicer):
    def __init__(self, cgroup_version: str, info: Info | None = None, events: EngineEvents | None = None,
                 pruner: Pruner | None = None):
        self.cgroup_version = cgroup_version
        self.info = info
        self.events = events
        self.pruner = pruner

    def Version(self, request, context):
        return spb.VersionResponse(version=VERSION, api_version=API_VERSION, os="linux",
                                   arch=platform.machine(), kernel_version=os.uname().release,
                                   cgroup_version=self.cgroup_version)

    def Info(self, request, context):
        return struct(self.info.document())

    def Events(self, request, context):
        since, until = _bound(request.since, "--since"), _bound(request.until, "--until")
        if since and until and since > until:  # Docker's 400, in its words
            raise InvalidArgument(f"`since` time ({_as_sent(request.since, since)}) cannot be after "
                                  f"`until` time ({_as_sent(request.until, until)})")
        event_filters.parse(list(request.filters))
        # The head now: a client (the Engine API face) learns that the request
        # was good before any event, which may be long in coming.
        context.send_initial_metadata((("doca-events", "live"),))
        for e in self.events.stream(since, until, list(request.filters), lambda: not context.is_active()):
            yield spb.Event(type=e["type"], action=e["action"], scope="local", time_nano=e["time_nano"],
                            actor=spb.EventActor(id=e["actor_id"], attributes=e["attributes"]))

    def Prune(self, request, context):
        return self.pruner.system(request.all, request.volumes, Filters(request.filters))


def _bound(text: str, flag: str) -> float:
    """--since/--until: RFC 3339, a Unix time or a duration before now."""
    try:
        return specs.since(text)
    except InvalidArgument:  # Docker's words
        raise InvalidArgument(f'failed to parse value as time or duration: "{text}"') from None


def _as_sent(text: str, value: float) -> str:
    """A bound as Docker's client sends it: a Unix time as given, a duration
    or a date made whole seconds (the daemon's message shows what it got)."""
    try:
        float(text)
        return text
    except ValueError:
        return str(int(value))


def time_value(text: str, key: str) -> float:
    """logs --since/--until: what _bound reads, refused in Docker's words, which name the key."""
    try:
        return specs.since(text)
    except InvalidArgument:
        raise InvalidArgument(f'invalid value for "{key}": failed to parse value as time or duration: '
                              f'"{text}"') from None

