"""doca.v1.Networks and doca.v1.System."""
import os
import platform

from doca.network.v1 import network_pb2 as npb
from doca.v1 import system_pb2 as spb, system_pb2_grpc
from gateway import VERSION
from gateway.clients import Clients

API_VERSION = "v1"


class NetworksServicer(system_pb2_grpc.NetworksServicer):
    def __init__(self, clients: Clients):
        self.c = clients

    def List(self, request, context):
        nets = self.c.network.List(npb.ListRequest()).networks
        return spb.ListNetworksResponse(networks=[
            spb.NetworkSummary(id=n.id, name=n.name, driver=n.driver, subnet=n.subnet,
                               gateway=n.gateway, bridge=n.bridge) for n in nets])


class SystemServicer(system_pb2_grpc.SystemServicer):
    def __init__(self, cgroup_version: str):
        self.cgroup_version = cgroup_version

    def Version(self, request, context):
        return spb.VersionResponse(version=VERSION, api_version=API_VERSION, os="linux",
                                   arch=platform.machine(), kernel_version=os.uname().release,
                                   cgroup_version=self.cgroup_version)
