"""Attach, Detach and ListEndpoints against real veths and namespaces."""
import concurrent.futures
import ipaddress

import grpc
import pytest

from services.network.endpoints import host_interface_name
from tests.support.network import Service, ip_json, ipv4_of, link, ping, ports_of, wait_until



def test_attach_configures_the_namespace(net_stack: Service, make_netns):
    ns = make_netns()
    net = net_stack.network()
    ep = net_stack.attach("c1", ns.path)

    subnet = ipaddress.ip_network(net.subnet)
    assert ipaddress.ip_address(ep.ip_address) in subnet
    assert ep.ip_address not in (net.gateway, str(subnet.network_address), str(subnet.broadcast_address))
    assert (ep.container_id, ep.network, ep.prefix_len, ep.gateway, ep.bridge) == \
        ("c1", "bridge", 24, net.gateway, net_stack.bridge)
    octets = ipaddress.ip_address(ep.ip_address).packed
    assert ep.mac_address == "02:42:" + ":".join(f"{b:02x}" for b in octets)
    assert ep.host_interface.startswith("vd") and len(ep.host_interface) <= 15

    # Host end: on the bridge, up.
    host_end = link(ep.host_interface)
    assert host_end is not None and host_end["master"] == net_stack.bridge
    assert "UP" in host_end["flags"]
    # Container end: eth0 with the address, the MAC, up; lo up; default route.
    eth0 = link("eth0", netns=ns.path)
    assert eth0["address"] == ep.mac_address and "UP" in eth0["flags"]
    assert ipv4_of("eth0", netns=ns.path) == [f"{ep.ip_address}/24"]
    assert "UP" in link("lo", netns=ns.path)["flags"]
    routes = ip_json("-4", "route", "show", "default", netns=ns.path)
    assert [(r["gateway"], r["dev"]) for r in routes] == [(net.gateway, "eth0")]

    assert ping(ns.path, net.gateway), "the bridge's address does not answer from the namespace"


def test_two_namespaces_get_different_addresses_and_reach_each_other(net_stack: Service, make_netns):
    a, b = make_netns(), make_netns()
    ep_a, ep_b = net_stack.attach("ca", a.path), net_stack.attach("cb", b.path)
    assert ep_a.ip_address != ep_b.ip_address
    assert ep_a.host_interface != ep_b.host_interface
    assert sorted(ports_of(net_stack.bridge)) == sorted([ep_a.host_interface, ep_b.host_interface])
    assert ping(a.path, ep_b.ip_address)
    assert ping(b.path, ep_a.ip_address)


def test_attaching_twice_returns_the_same_endpoint(net_stack: Service, make_netns):
    ns = make_netns()
    first = net_stack.attach("c1", ns.path)
    assert net_stack.attach("c1", ns.path) == first
    assert net_stack.attach("c1", ns.path, network="bridge") == first
    assert len(net_stack.endpoints()) == 1


def test_detach_removes_the_veth_and_frees_the_address(net_stack: Service, make_netns):
    a, b = make_netns(), make_netns()
    ep = net_stack.attach("c1", a.path)
    net_stack.detach("c1")
    assert link(ep.host_interface) is None
    assert link("eth0", netns=a.path) is None  # the peer went with the host end
    assert net_stack.endpoints() == [] and net_stack.allocations() == {}
    # The freed address is handed out again.
    assert net_stack.attach("c2", b.path).ip_address == ep.ip_address
    # Detach is idempotent; an unknown container is fine.
    net_stack.detach("c1")
    net_stack.detach("never-attached")
    assert [e.container_id for e in net_stack.endpoints()] == ["c2"]


def test_list_endpoints_filters_by_container(net_stack: Service, make_netns):
    a, b = make_netns(), make_netns()
    net_stack.attach("ca", a.path)
    net_stack.attach("cb", b.path)
    assert sorted(e.container_id for e in net_stack.endpoints()) == ["ca", "cb"]
    assert [e.container_id for e in net_stack.endpoints("cb")] == ["cb"]
    assert net_stack.endpoints("nobody") == []


def _assert_nothing_left(net_stack: Service, container_id: str):
    name = host_interface_name(net_stack.network().id, container_id)
    assert link(name) is None, f"veth {name} was left behind"
    assert ports_of(net_stack.bridge) == []
    assert net_stack.endpoints() == []
    assert net_stack.allocations() == {}


@pytest.mark.parametrize("netns_path, code", [
    ("", grpc.StatusCode.INVALID_ARGUMENT),
    ("/proc/999999999/ns/net", grpc.StatusCode.FAILED_PRECONDITION),
    ("/etc/hostname", grpc.StatusCode.INVALID_ARGUMENT),
    ("/proc/self/ns/mnt", grpc.StatusCode.INVALID_ARGUMENT),
    ("/proc/self/ns/net", grpc.StatusCode.INVALID_ARGUMENT),  # the service's own: the host's
])
def test_bad_netns_paths_are_refused(net_stack: Service, netns_path, code):
    with pytest.raises(grpc.RpcError) as err:
        net_stack.attach("c1", netns_path)
    assert err.value.code() == code, err.value.details()
    assert err.value.details()
    _assert_nothing_left(net_stack, "c1")


def test_unknown_network_is_not_found(net_stack: Service, make_netns):
    ns = make_netns()
    with pytest.raises(grpc.RpcError) as err:
        net_stack.attach("c1", ns.path, network="nosuchnet")
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert "nosuchnet" in err.value.details()
    _assert_nothing_left(net_stack, "c1")


def test_empty_container_id_is_invalid(net_stack: Service, make_netns):
    ns = make_netns()
    with pytest.raises(grpc.RpcError) as err:
        net_stack.attach("", ns.path)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_namespace_with_an_eth0_leaves_no_veth(net_stack: Service, make_netns):
    ns = make_netns()
    ns.run("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "other0")
    with pytest.raises(grpc.RpcError) as err:
        net_stack.attach("c1", ns.path)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "eth0" in err.value.details()
    _assert_nothing_left(net_stack, "c1")
    # The namespace's own pair is untouched.
    assert link("other0", netns=ns.path) is not None and ipv4_of("eth0", netns=ns.path) == []


def test_failure_inside_the_namespace_undoes_the_veth(net_stack: Service, make_netns):
    # The namespace already has a default route (via a veth pair of its own,
    # both ends inside), so the last step of Attach fails after the veth exists.
    ns = make_netns()
    ns.run("ip", "link", "add", "own0", "type", "veth", "peer", "name", "own1")
    ns.run("ip", "addr", "add", "192.168.250.2/24", "dev", "own0")
    ns.run("ip", "link", "set", "own0", "up")
    ns.run("ip", "link", "set", "own1", "up")
    ns.run("ip", "route", "add", "default", "via", "192.168.250.1")
    with pytest.raises(grpc.RpcError) as err:
        net_stack.attach("c1", ns.path)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "default route" in err.value.details()
    _assert_nothing_left(net_stack, "c1")
    assert wait_until(lambda: link("eth0", netns=ns.path) is None)
    # The address was freed: the next attach gets the first one.
    other = make_netns()
    assert net_stack.attach("c2", other.path).ip_address == str(ipaddress.ip_address(net_stack.network().gateway) + 1)


def test_attach_after_the_namespace_died_starts_afresh(net_stack: Service, make_netns):
    a, b = make_netns(), make_netns()
    first = net_stack.attach("c1", a.path)
    a.kill()
    assert wait_until(lambda: link(first.host_interface) is None)
    again = net_stack.attach("c1", b.path)  # e.g. a restarted container
    assert link("eth0", netns=b.path) is not None
    assert again.ip_address == first.ip_address
    assert len(net_stack.endpoints()) == 1


def test_concurrent_attaches_get_distinct_addresses(net_stack: Service, make_netns):
    spaces = [make_netns() for _ in range(12)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        eps = list(pool.map(lambda i: net_stack.attach(f"par{i}", spaces[i].path), range(len(spaces))))
    assert len({e.ip_address for e in eps}) == len(spaces)
    assert len({e.host_interface for e in eps}) == len(spaces)
    assert sorted(ports_of(net_stack.bridge)) == sorted(e.host_interface for e in eps)
    for ns, ep in zip(spaces, eps):
        assert ipv4_of("eth0", netns=ns.path) == [f"{ep.ip_address}/24"]
    assert ping(spaces[0].path, eps[-1].ip_address)
