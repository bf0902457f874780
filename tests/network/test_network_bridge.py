"""The default network's bridge: set-up, List, restart, clean stop, bad settings."""
import ipaddress
import signal
import subprocess

import pytest

from doca.network.v1 import network_pb2 as pb

from tests.support.network import PYTHON, REPO, Service, free_subnet, ipv4_of, link, ports_of, unique_bridge



def test_bridge_is_up_with_the_gateway_address(net_stack: Service):
    br = link(net_stack.bridge)
    assert br is not None and br["linkinfo"]["info_kind"] == "bridge"
    assert "UP" in br["flags"]
    gateway = ipaddress.ip_network(net_stack.subnet).network_address + 1
    assert ipv4_of(net_stack.bridge) == [f"{gateway}/24"]


def test_list_describes_the_default_network(net_stack: Service):
    (net,) = net_stack.stub.List(pb.ListRequest()).networks
    subnet = ipaddress.ip_network(net_stack.subnet)
    assert (net.name, net.driver, net.subnet, net.gateway, net.bridge) == \
        ("bridge", "bridge", net_stack.subnet, str(subnet.network_address + 1), net_stack.bridge)
    assert len(net.id) == 64 and int(net.id, 16) >= 0


def test_restart_reuses_the_bridge_and_keeps_the_id(net_stack: Service):
    before_id, before_index = net_stack.network().id, link(net_stack.bridge)["ifindex"]
    net_stack.stop()
    assert link(net_stack.bridge) is None  # no endpoint: removed on a clean stop
    net_stack.start()
    assert net_stack.network().id == before_id
    # A second start while the bridge exists (e.g. after a crash) adopts it.
    index = link(net_stack.bridge)["ifindex"]
    assert index != before_index
    net_stack.stop(sig=signal.SIGKILL)
    assert link(net_stack.bridge)["ifindex"] == index
    net_stack.start()
    assert link(net_stack.bridge)["ifindex"] == index
    assert net_stack.network().id == before_id


def test_sigterm_removes_the_bridge_but_keeps_the_state(net_stack: Service):
    assert net_stack.stop() == 0
    assert link(net_stack.bridge) is None
    assert (net_stack.root / "network" / "ipam" / "bridge.json").exists()
    assert (net_stack.root / "network" / "networks" / "bridge.json").exists()
    assert not net_stack.socket.exists()


def test_sigterm_keeps_the_bridge_while_endpoints_are_attached(net_stack: Service, make_netns):
    ns = make_netns()
    ep = net_stack.attach("c1", ns.path)
    assert net_stack.stop() == 0
    assert link(net_stack.bridge) is not None
    assert ports_of(net_stack.bridge) == [ep.host_interface]
    assert link("eth0", netns=ns.path) is not None  # the container keeps its network


def _run_service(tmp_path, bridge: str, subnet: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "services.network", "--root", str(tmp_path / "root"),
                           "--run-dir", str(tmp_path / "run"), "--bridge", bridge, "--subnet", subnet],
                          cwd=REPO, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("subnet, words", [
    ("10.199.1.0/33", "subnet"),
    ("10.199.1.5/24", "host bits"),
    ("not-a-subnet", "subnet"),
    ("fd00:1::/64", "IPv4"),
    ("10.199.1.0/31", "too small"),
    ("127.0.0.0/24", "reserved"),
])
def test_bad_subnet_exits_with_one_line(tmp_path, subnet, words):
    bridge = unique_bridge()
    r = _run_service(tmp_path, bridge, subnet)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], r.stderr
    assert link(bridge) is None


@pytest.mark.parametrize("bridge", ["dtn-much-too-long", "dtn/bad", ""])
def test_bad_bridge_name_exits_with_one_line(tmp_path, bridge):
    r = _run_service(tmp_path, bridge or " ", free_subnet())
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "bridge name" in lines[0], r.stderr


@pytest.fixture
def foreign_link():
    """make(kind) -> the name of a link this test made (not the service)."""
    made = []

    def make(kind: str) -> str:
        name = unique_bridge()
        extra = ["peer", "name", name + "p"] if kind == "veth" else []
        subprocess.run(["ip", "link", "add", name, "type", kind, *extra], check=True)
        made.append(name)
        return name
    yield make
    for name in made:
        subprocess.run(["ip", "link", "del", name], capture_output=True)


def test_an_interface_that_is_not_a_bridge_is_refused_and_untouched(tmp_path, foreign_link):
    name = foreign_link("veth")
    r = _run_service(tmp_path, name, free_subnet())
    assert r.returncode != 0
    assert "not a bridge" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    after = link(name)
    assert after["linkinfo"]["info_kind"] == "veth" and "UP" not in after["flags"]
    assert ipv4_of(name) == []


def test_a_bridge_that_is_not_ours_is_refused_and_untouched(tmp_path, foreign_link):
    name = foreign_link("bridge")
    r = _run_service(tmp_path, name, free_subnet())
    assert r.returncode != 0
    assert "not made by this doca stack" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    after = link(name)
    assert "UP" not in after["flags"] and not after.get("ifalias")
    assert ipv4_of(name) == []


def test_a_bridge_of_another_stack_is_refused(make_net_stack, tmp_path):
    first = make_net_stack()
    r = _run_service(tmp_path, first.bridge, first.subnet)
    assert r.returncode != 0
    assert "not made by this doca stack" in r.stderr, r.stderr
    assert link(first.bridge) is not None  # untouched, still serving
    assert first.network().bridge == first.bridge


def test_an_overlapping_subnet_is_refused(make_net_stack, tmp_path):
    first = make_net_stack()
    bridge = unique_bridge()
    r = _run_service(tmp_path, bridge, first.subnet)
    assert r.returncode != 0
    assert "overlaps" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert link(bridge) is None


def test_changing_the_subnet_with_no_endpoint_moves_the_bridge(make_net_stack):
    svc = make_net_stack()
    net_id = svc.network().id
    svc.stop()
    svc.subnet = free_subnet()
    svc.start()
    net = svc.network()
    assert (net.id, net.subnet) == (net_id, svc.subnet)
    gateway = ipaddress.ip_network(svc.subnet).network_address + 1
    assert ipv4_of(svc.bridge) == [f"{gateway}/24"]


def test_changing_the_subnet_with_endpoints_is_refused(make_net_stack, make_netns):
    svc = make_net_stack()
    ns = make_netns()
    svc.attach("c1", ns.path)
    svc.stop()
    old = svc.subnet
    svc.subnet = free_subnet()
    with pytest.raises(AssertionError) as err:
        svc.start()
    assert "still has 1 endpoint" in str(err.value)
    svc.subnet = old
    svc.start()
    assert [e.container_id for e in svc.endpoints()] == ["c1"]
