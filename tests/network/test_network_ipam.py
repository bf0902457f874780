"""Address allocation: the pool itself, and through the service (restart,
reconciliation with the kernel, a full subnet)."""
import ipaddress
import json
import signal

import grpc
import pytest

from common.errors import AlreadyExists, ResourceExhausted
from services.network import ipam_config
from services.network.ipam import AddressPool
from services.network.endpoints import host_interface_name
from tests.support.network import Service, free_subnet, link, ports_of, wait_until


def _pool(tmp_path, cidr):
    subnet = ipaddress.ip_network(cidr)
    return AddressPool(tmp_path / "ipam" / "bridge.json", subnet, subnet.network_address + 1)


def test_pool_never_hands_out_network_gateway_or_broadcast(tmp_path):
    pool = _pool(tmp_path, "10.0.0.0/29")
    got = [pool.allocate(f"c{i}") for i in range(pool.capacity)]
    assert [str(a) for a in got] == ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]
    with pytest.raises(ResourceExhausted) as err:
        pool.allocate("one-too-many")
    assert "10.0.0.0/29" in str(err.value)


def test_pool_hands_out_its_range_only_and_never_an_auxiliary_address(tmp_path):
    subnet = ipaddress.ip_network("10.0.0.0/24")
    gateway = ipaddress.ip_address("10.0.0.8")  # the range's first, as Docker's IPAM picks it
    pool = AddressPool(tmp_path / "ipam" / "n.json", subnet, gateway, ip_range="10.0.0.8/29",
                       reserved=[ipaddress.ip_address("10.0.0.10"), ipaddress.ip_address("10.0.0.200")])
    assert pool.capacity == 6
    got = [str(pool.allocate(f"c{i}")) for i in range(6)]
    assert got == ["10.0.0.9", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14", "10.0.0.15"]
    with pytest.raises(ResourceExhausted) as err:
        pool.allocate("one-too-many")
    assert "10.0.0.8-10.0.0.15 of 10.0.0.0/24" in str(err.value)
    assert str(pool.allocate_this(ipaddress.ip_address("10.0.0.100"), "x")) == "10.0.0.100"  # --ip: the subnet's
    with pytest.raises(AlreadyExists):
        pool.allocate_this(ipaddress.ip_address("10.0.0.200"), "y")


@pytest.mark.parametrize("cidr, rng, first, last", [
    ("10.0.0.0/24", "10.0.0.0/16", "10.0.0.1", "10.0.0.254"),  # wider than the subnet: all of it
    ("10.0.0.0/24", "10.0.0.5/25", "10.0.0.1", "10.0.0.127"),  # host bits dropped, as Docker's
    ("10.0.0.0/24", "10.0.0.128/25", "10.0.0.128", "10.0.0.254"),
])
def test_range_bounds_as_docker_computes_them(cidr, rng, first, last):
    lo, hi = ipam_config.bounds(ipaddress.ip_network(cidr), rng)
    assert (str(ipaddress.ip_address(lo)), str(ipaddress.ip_address(hi))) == (first, last)


def test_pool_persists_and_reuses_freed_addresses(tmp_path):
    pool = _pool(tmp_path, "10.0.0.0/24")
    a, b, c = (pool.allocate(x) for x in "abc")
    assert pool.release(b) is True and pool.release(b) is False
    again = _pool(tmp_path, "10.0.0.0/24")  # a restart reads the file
    assert again.allocations() == {a: "a", c: "c"}
    assert again.allocate("d") == b
    assert again.release_owner("a") == [a]
    on_disk = json.loads((tmp_path / "ipam" / "bridge.json").read_text())
    assert on_disk == {"subnet": "10.0.0.0/24", "allocated": {"10.0.0.3": "d", "10.0.0.4": "c"}}
    assert not list((tmp_path / "ipam").glob(".*.tmp"))


def test_pool_starts_empty_on_another_subnet(tmp_path):
    _pool(tmp_path, "10.0.0.0/24").allocate("a")
    assert _pool(tmp_path, "10.0.1.0/24").allocations() == {}


def test_allocations_survive_a_restart(net_stack: Service, make_netns):
    a, b = make_netns(), make_netns()
    ep = net_stack.attach("c1", a.path)
    net_stack.restart()
    assert list(net_stack.endpoints()) == [ep]
    assert net_stack.attach("c1", a.path) == ep  # still the same endpoint
    assert net_stack.attach("c2", b.path).ip_address != ep.ip_address
    assert sorted(net_stack.allocations().values()) == ["c1", "c2"]


def test_a_restart_frees_the_addresses_of_dead_namespaces(net_stack: Service, make_netns):
    a, b, c = make_netns(), make_netns(), make_netns()
    ep_a = net_stack.attach("ca", a.path)
    ep_b = net_stack.attach("cb", b.path)
    net_stack.stop()
    a.kill()  # the container died while the service was down
    assert wait_until(lambda: link(ep_a.host_interface) is None)
    net_stack.start()
    assert [e.container_id for e in net_stack.endpoints()] == ["cb"]
    assert net_stack.allocations() == {ep_b.ip_address: "cb"}
    assert net_stack.attach("cc", c.path).ip_address == ep_a.ip_address


def test_a_crash_mid_attach_is_undone_at_start(net_stack: Service, make_netns):
    # What a crash between "pending" and "ready" leaves: a pending record,
    # its address, and the veth.
    ns = make_netns()
    ep = net_stack.attach("c1", ns.path)
    net_stack.stop(sig=signal.SIGKILL)
    path = net_stack.root / "network" / "endpoints" / "bridge.json"
    records = json.loads(path.read_text())
    records["c1"]["state"] = "pending"
    path.write_text(json.dumps(records))
    net_stack.start()
    assert net_stack.endpoints() == [] and net_stack.allocations() == {}
    assert link(ep.host_interface) is None and ports_of(net_stack.bridge) == []


def test_an_orphan_allocation_is_freed_at_start(net_stack: Service):
    net_stack.stop(sig=signal.SIGKILL)
    path = net_stack.root / "network" / "ipam" / "bridge.json"
    data = json.loads(path.read_text())
    gateway = ipaddress.ip_network(net_stack.subnet).network_address + 1
    data["allocated"][str(gateway + 1)] = "ghost"  # crash between allocate and the endpoint record
    path.write_text(json.dumps(data))
    net_stack.start()
    assert net_stack.allocations() == {}


def test_full_subnet_is_resource_exhausted(make_net_stack, make_netns):
    svc = make_net_stack(prefix=30)  # one container address: .1 is the gateway
    a, b = make_netns(), make_netns()
    ep = svc.attach("c1", a.path)
    with pytest.raises(grpc.RpcError) as err:
        svc.attach("c2", b.path)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert svc.subnet in err.value.details()
    assert link(host_interface_name(svc.network().id, "c2")) is None
    assert link("eth0", netns=b.path) is None
    assert ports_of(svc.bridge) == [ep.host_interface]
    svc.detach("c1")
    assert svc.attach("c2", b.path).ip_address == ep.ip_address


def test_a_full_subnet_reclaims_addresses_of_dead_namespaces(make_net_stack, make_netns):
    svc = make_net_stack(prefix=30)
    a, b = make_netns(), make_netns()
    ep = svc.attach("c1", a.path)
    a.kill()  # the container died and nobody called Detach
    assert wait_until(lambda: link(ep.host_interface) is None)
    assert svc.attach("c2", b.path).ip_address == ep.ip_address
    assert [e.container_id for e in svc.endpoints()] == ["c2"]


def test_sigterm_removes_the_bridge_when_every_endpoint_died(make_net_stack, make_netns):
    svc = make_net_stack()
    ns = make_netns()
    ep = svc.attach("c1", ns.path)
    ns.kill()
    assert wait_until(lambda: link(ep.host_interface) is None)
    assert svc.stop() == 0
    assert link(svc.bridge) is None


def test_a_network_keeps_its_range_and_auxiliary_addresses_across_a_restart(net_stack: Service, make_netns):
    from doca.network.v1 import network_pb2 as pb
    subnet = ipaddress.ip_network(free_subnet())
    base = subnet.network_address
    net = net_stack.stub.Create(pb.CreateRequest(name="ranged", subnet=str(subnet), ip_range=f"{base + 64}/30",
                                                 aux_addresses={"a": str(base + 65)}, options={"x": "y"},
                                                 attachable=True))
    try:
        assert (net.gateway, net.ip_range, dict(net.aux_addresses), dict(net.options), net.attachable) == \
            (str(base + 64), f"{base + 64}/30", {"a": str(base + 65)}, {"x": "y"}, True)
        net_stack.restart()
        again = net_stack.stub.Inspect(pb.InspectRequest(network="ranged")).network
        assert again == net
        a, b, c = make_netns(), make_netns(), make_netns()
        assert net_stack.attach("c1", a.path, network="ranged").ip_address == str(base + 66)
        # the range's last address is a container's (Docker reserves the subnet's broadcast only)
        assert net_stack.attach("c2", b.path, network="ranged").ip_address == str(base + 67)
        with pytest.raises(grpc.RpcError) as err:
            net_stack.attach("c3", c.path, network="ranged")
        assert err.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
        net_stack.detach("c1")
        net_stack.detach("c2")
    finally:
        net_stack.stub.Remove(pb.RemoveRequest(network="ranged"))
