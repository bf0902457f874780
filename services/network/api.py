"""Thin gRPC servicer: translate messages, call the manager."""
import dataclasses

from doca.network.v1 import network_pb2 as pb
from doca.network.v1 import network_pb2_grpc

from services.network.endpoints import Endpoint
from services.network.manager import NetworkManager
from services.network.networks import Network

SERVICE_NAME = "doca.network.v1.Network"


def network_message(net: Network) -> pb.NetworkInfo:
    return pb.NetworkInfo(name=net.name, id=net.id, driver=net.driver, subnet=str(net.subnet),
                          gateway=str(net.gateway), bridge=net.bridge)


def endpoint_message(ep: Endpoint) -> pb.Endpoint:
    return pb.Endpoint(**dataclasses.asdict(ep))


class NetworkServicer(network_pb2_grpc.NetworkServicer):
    def __init__(self, manager: NetworkManager):
        self.manager = manager

    def List(self, request, context):
        return pb.ListResponse(networks=[network_message(n) for n in self.manager.list_networks()])

    def Attach(self, request, context):
        return endpoint_message(self.manager.attach(request.container_id, request.network,
                                                    request.netns_path))

    def Detach(self, request, context):
        self.manager.detach(request.container_id)
        return pb.DetachResponse()

    def ListEndpoints(self, request, context):
        return pb.ListEndpointsResponse(
            endpoints=[endpoint_message(e) for e in self.manager.list_endpoints(request.container_id)])
