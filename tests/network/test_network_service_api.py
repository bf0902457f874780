"""The network service's own API for user networks and containers, on its
socket, with namespaces made by the test: Create, Prepare (hosts file,
held ports), Attach to two networks (eth0, eth1), Rename, Disconnect,
Detach, Remove."""
import os
import socket

import grpc
import pytest

from doca.network.v1 import network_pb2 as pb
from tests.support.network import Service, free_subnet, link, ping



def _hosts(sandbox) -> str:
    with open(sandbox.hosts_path) as f:
        return f.read()


def test_two_containers_on_a_user_network(net_stack: Service, make_netns):
    stub = net_stack.stub
    subnet = free_subnet()
    net = stub.Create(pb.CreateRequest(name="un1", subnet=subnet, labels={"a": "b"}))
    assert net.bridge.startswith(net_stack.bridge[:8] + "-") and link(net.bridge) is not None
    a, b = make_netns(), make_netns()
    sa = stub.Prepare(pb.PrepareRequest(container_id="ca", hostname="hosta",
                                        ports=[pb.PortBinding(protocol="tcp", container_port=80)]))
    port = sa.ports[0].host_port
    assert port > 0 and sa.requested[0].host_port == 0
    with socket.socket() as s, pytest.raises(OSError):  # held by the service
        s.bind(("0.0.0.0", port))
    sb = stub.Prepare(pb.PrepareRequest(container_id="cb", hostname="hostb"))
    assert "localhost" in _hosts(sa) and "hosta" not in _hosts(sa)  # no address yet

    ea = stub.Attach(pb.AttachRequest(container_id="ca", network="un1", netns_path=a.path, container_name="alpha"))
    eb = stub.Attach(pb.AttachRequest(container_id="cb", network=net.id[:10], netns_path=b.path,
                                      container_name="beta", aliases=["db"]))
    assert (ea.interface, ea.network, ea.network_id) == ("eth0", "un1", net.id)
    assert f"{ea.ip_address}\thosta alpha\n" in _hosts(sa) and f"{eb.ip_address}\tbeta db cb\n" in _hosts(sa)
    assert f"{ea.ip_address}\talpha ca\n" in _hosts(sb)
    assert ping(a.path, eb.ip_address)

    # A second network: eth1, no second default route.
    eb2 = stub.Attach(pb.AttachRequest(container_id="cb", netns_path=b.path))
    assert eb2.interface == "eth1" and eb2.network == "bridge"
    stub.Rename(pb.RenameRequest(container_id="cb", name="gamma"))
    assert "gamma db cb" in _hosts(sa) and "beta" not in _hosts(sa)
    detail = stub.Inspect(pb.InspectRequest(network="un1"))
    assert {e.container_name for e in detail.endpoints} == {"alpha", "gamma"}

    with pytest.raises(grpc.RpcError) as err:
        stub.Remove(pb.RemoveRequest(network="un1"))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    stub.Disconnect(pb.DisconnectRequest(container_id="cb", network="un1"))
    assert "gamma" not in _hosts(sa)
    with pytest.raises(grpc.RpcError) as err:
        stub.Disconnect(pb.DisconnectRequest(container_id="cb", network="un1"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND

    stub.Detach(pb.DetachRequest(container_id="ca"))
    assert not os.path.exists(sa.hosts_path)
    with socket.socket() as s:
        s.bind(("0.0.0.0", port))  # released
    assert stub.Prune(pb.PruneRequest()).removed == ["un1"]
    assert link(net.bridge) is None
    assert [n.name for n in stub.List(pb.ListRequest()).networks] == ["bridge"]


def test_user_networks_survive_a_restart(net_stack: Service, make_netns):
    stub = net_stack.stub
    net = stub.Create(pb.CreateRequest(name="keep", subnet=free_subnet(), internal=True))
    ns = make_netns()
    ep = stub.Attach(pb.AttachRequest(container_id="c1", network="keep", netns_path=ns.path))
    assert ns.run("ip", "route").stdout.find("default") == -1  # internal: no route out
    net_stack.restart()
    again = net_stack.stub.Inspect(pb.InspectRequest(network="keep"))
    assert again.network.id == net.id and again.network.internal
    assert [e.ip_address for e in again.endpoints] == [ep.ip_address]
    net_stack.stub.Detach(pb.DetachRequest(container_id="c1"))
    net_stack.stub.Remove(pb.RemoveRequest(network="keep"))
    assert link(net.bridge) is None
