"""docker network ls with Docker's filters (daemon/network/filter.go):
driver, id, label, name, scope, type (builtin: Docker's predefined
networks, custom: the user's). doca's networks, and `none` as Docker
lists it (driver null): doca runs containers with --network none too."""
from doca.network.v1 import network_pb2 as npb
from doca.v1 import system_pb2 as spb
from gateway.api import list_filters as lf
from gateway.api.container_list import HOST_NETWORK_ID, NONE_NETWORK_ID


NONE = spb.NetworkSummary(id=NONE_NETWORK_ID, name="none", driver="null")
HOST = spb.NetworkSummary(id=HOST_NETWORK_ID, name="host", driver="host")  # --network host's


def list_networks(network_stub, request, summary) -> spb.ListNetworksResponse:
    """`summary`: the network service's message as the gateway's."""
    f = lf.parse(request.filters, lf.NETWORK_KEYS)
    lf.check_network_values(f)
    nets = [summary(n) for n in network_stub.List(npb.ListRequest()).networks]
    for builtin in (HOST, NONE):
        if not any(n.name == builtin.name for n in nets):
            nets.append(builtin)
    return spb.ListNetworksResponse(networks=[
        n for n in nets
        if lf.network_matches(f, {"id": n.id, "name": n.name, "driver": n.driver, "labels": dict(n.labels)})])
