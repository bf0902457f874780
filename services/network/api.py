"""Thin gRPC servicer: translate messages, call the manager."""
import dataclasses

from common import request_guard, validate
from doca.network.v1 import network_pb2 as pb
from doca.network.v1 import network_pb2_grpc

from services.network import request_checks as checks, resolvconf
from services.network.create_settings import CreateSettings
from services.network.endpoints import Endpoint
from services.network.manager import NetworkManager
from services.network.networks import Network
from services.network.ports import Binding

SERVICE_NAME = "doca.network.v1.Network"


def network_message(net: Network) -> pb.NetworkInfo:
    return pb.NetworkInfo(name=net.name, id=net.id, driver=net.driver, subnet=str(net.subnet),
                          gateway=str(net.gateway), bridge=net.bridge, internal=net.internal,
                          labels=net.labels, created=net.created, ip_range=net.ip_range,
                          aux_addresses=net.aux_addresses, options=net.options, attachable=net.attachable,
                          ipam_driver=net.ipam_driver, ipam_options=net.ipam_options,
                          ipam_subnet=net.ipam_subnet, ipam_gateway=net.ipam_gateway)


def endpoint_message(ep: Endpoint) -> pb.Endpoint:
    return pb.Endpoint(**dataclasses.asdict(ep))


def sandbox_message(sb: dict) -> pb.Sandbox:
    return pb.Sandbox(container_id=sb["container_id"], name=sb["name"], hostname=sb["hostname"],
                      hosts_path=sb["hosts_path"], hostname_path=sb["hostname_path"],
                      resolv_conf_path=sb["resolv_conf_path"], exposed=sb["exposed"],
                      requested=[pb.PortBinding(**b) for b in sb["requested"]],
                      ports=[pb.PortBinding(**b) for b in sb["ports"]], released=sb.get("released", False))


# Every text field is NUL-free (request_guard); container ids name files
# here and are checked whole in sandboxes.check_id, below any servicer.
@request_guard.guarded
class NetworkServicer(network_pb2_grpc.NetworkServicer):
    def __init__(self, manager: NetworkManager):
        self.manager = manager

    def List(self, request, context):
        return pb.ListResponse(networks=[network_message(n) for n in self.manager.list_networks()])

    def Create(self, request, context):
        settings = CreateSettings(ip_range=request.ip_range, aux_addresses=dict(request.aux_addresses),
                                  options=dict(request.options), attachable=request.attachable, scope=request.scope,
                                  ipam_driver=request.ipam_driver, ipam_options=dict(request.ipam_options))
        return network_message(self.manager.create_network(
            request.name, request.driver, request.subnet, request.gateway, request.internal, dict(request.labels),
            settings=settings))

    def Inspect(self, request, context):
        net, eps = self.manager.inspect_network(checks.network_ref(request.network))
        return pb.NetworkDetail(network=network_message(net), endpoints=[endpoint_message(e) for e in eps])

    def Remove(self, request, context):
        return network_message(self.manager.remove_network(checks.network_ref(request.network)))

    def Prune(self, request, context):
        return pb.PruneResponse(removed=self.manager.prune_networks())

    def Prepare(self, request, context):
        checks.prepare_names(request)
        bindings = [Binding(b.protocol, b.container_port, b.host_ip, b.host_port) for b in request.ports]
        resolver = resolvconf.Resolver(list(request.dns), list(request.dns_search), list(request.dns_options))
        return sandbox_message(self.manager.prepare(
            request.container_id, request.hostname, bindings, list(request.exposed),
            extra_hosts=[(h.name, h.ip) for h in request.extra_hosts], resolver=resolver,
            host_network=request.host_network))

    def Attach(self, request, context):
        if request.container_name:
            validate.container_name(request.container_name)
        for alias in request.aliases:
            validate.hostname(alias, "network alias")  # a name in the hosts files of its neighbours
        return endpoint_message(self.manager.attach(
            request.container_id, checks.network_ref(request.network), request.netns_path, request.container_name,
            request.ip_address, tuple(request.aliases), mac=checks.mac_address(request.mac_address)))

    def Detach(self, request, context):
        self.manager.detach(request.container_id)
        return pb.DetachResponse()

    def Disconnect(self, request, context):
        self.manager.disconnect(request.container_id, checks.network_ref(request.network))
        return pb.DisconnectResponse()

    def ListEndpoints(self, request, context):
        eps, sbs = self.manager.list_endpoints(validate.text(request.container_id, "container_id"))
        return pb.ListEndpointsResponse(endpoints=[endpoint_message(e) for e in eps],
                                        sandboxes=[sandbox_message(s) for s in sbs])

    def Rename(self, request, context):
        self.manager.rename(request.container_id, validate.container_name(request.name))
        return pb.RenameResponse()

    def ReleasePorts(self, request, context):
        return sandbox_message(self.manager.release_ports(request.container_id))

    def HoldPorts(self, request, context):
        return sandbox_message(self.manager.hold_ports(request.container_id))
