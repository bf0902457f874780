"""Pure parts of networks and published ports: -p parsing, the rules the
firewall renders, the hosts file (no kernel involved)."""
import ipaddress
import types

import pytest

from common.errors import InvalidArgument
from doca.v1 import containers_pb2 as cpb
from gateway.api import ports as gports
from services.network import hostsfile, networks, ports
from services.network.firewall import Firewall, Mapping


def _b(spec):
    return [(b.host_ip, b.host_port, b.container_port, b.protocol) for b in gports.parse_publish(spec)]


def test_parse_publish():
    assert _b("80") == [("", 0, 80, "tcp")]
    assert _b("8080:80") == [("", 8080, 80, "tcp")]
    assert _b("127.0.0.1:8080:80/udp") == [("127.0.0.1", 8080, 80, "udp")]
    assert _b("127.0.0.1::80") == [("127.0.0.1", 0, 80, "tcp")]
    assert _b("8000-8001:80-81") == [("", 8000, 80, "tcp"), ("", 8001, 81, "tcp")]
    assert _b("80-81/UDP") == [("", 0, 80, "udp"), ("", 0, 81, "udp")]
    for bad in ("", "0", "70000", "a:80", "80/sctp", "1:2:3:4", "8000-8002:80-81", "81-80", "[::1]:80:80"):
        with pytest.raises(InvalidArgument):
            gports.parse_publish(bad)


def test_publish_all_adds_the_exposed_ports():
    cfg = cpb.ContainerConfig(publish=["9000:8000"], publish_all=True)
    out, exposed = gports.bindings(cfg, ["8000/tcp", "53/udp", "7000"])
    assert exposed == ["53/udp", "7000/tcp", "8000/tcp"]
    assert sorted((b.container_port, b.protocol, b.host_port) for b in out) == \
        [(53, "udp", 0), (7000, "tcp", 0), (8000, "tcp", 9000)]
    out, _ = gports.bindings(cpb.ContainerConfig(), ["8000/tcp"])
    assert out == []


def test_binding_checks():
    assert ports.check(ports.Binding("", 80)).protocol == "tcp"
    for bad in (ports.Binding("sctp", 80), ports.Binding("tcp", 0), ports.Binding("tcp", 80, "::1"),
                ports.Binding("tcp", 80, "nothing"), ports.Binding("tcp", 80, "", 70000)):
        with pytest.raises(InvalidArgument):
            ports.check(bad)


def _net(name, bridge, subnet, internal=False):
    return types.SimpleNamespace(name=name, bridge=bridge, subnet=ipaddress.ip_network(subnet), internal=internal)


def test_firewall_render():
    fw = Firewall("dt0")
    text = fw.render([_net("bridge", "dt0", "10.1.0.0/24"), _net("in", "dt0-aa", "10.2.0.0/24", internal=True)],
                     [Mapping("c" * 64, "tcp", "127.0.0.1", 8080, "10.1.0.2", 80),
                      Mapping("d" * 64, "udp", "", 5353, "10.1.0.3", 53)])
    lines = text.splitlines()
    assert lines[0] == "*nat" and "*filter" in lines and lines.count("COMMIT") == 2
    assert ('-A DOCA-dt0-DNAT -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -m comment --comment '
            f'"doca dt0 ctr {"c" * 12}" -j DNAT --to-destination 10.1.0.2:80') in lines
    assert any("--dport 5353" in line and "-d " not in line for line in lines)
    # Masquerade: loopback sources everywhere, outbound only where not internal.
    assert sum("-s 127.0.0.0/8" in line and "MASQUERADE" in line for line in lines) == 2
    assert any("-s 10.1.0.0/24 ! -o dt0 " in line for line in lines)
    assert not any("-s 10.2.0.0/24 ! -o dt0-aa " in line for line in lines)
    # Isolation: each bridge drops traffic towards the stack's other bridges; internal drops the rest.
    assert '-A DOCA-dt0-ISO -o dt0-aa -m comment --comment "doca dt0 net in" -j DROP' in lines
    assert '-A DOCA-dt0-FWD -o dt0-aa ! -i dt0-aa -m comment --comment "doca dt0 net in" -j DROP' in lines
    assert [c for t, c, _ in fw.jumps()] == ["PREROUTING", "OUTPUT", "POSTROUTING", "FORWARD", "INPUT"]
    assert all(len(chain) <= 28 for chain in (fw.dnat, fw.post, fw.fwd, fw.iso, fw.inp))
    assert fw.render([], []) == fw.render([], [])  # deterministic: an unchanged state is not applied again


def test_hosts_file_render():
    text = hostsfile.render([("10.1.0.2", ["abc", "web", "web"])], [("10.1.0.3", ["db", "", "def"])])
    assert text.startswith("127.0.0.1\tlocalhost\n")
    assert text.endswith("10.1.0.2\tabc web\n10.1.0.3\tdb def\n")


def test_network_names_and_bridges():
    assert networks.user_bridge_name("doca0", "ab" * 32) == "doca0-ababab"
    assert len(networks.user_bridge_name("dt1234567890abc", "ff" * 32)) <= 15
    for bad in ("", "bridge", "host", "none", "a/b", "-x", "x" * 65):
        with pytest.raises(InvalidArgument):
            networks.check_name(bad)
    subnet = ipaddress.ip_network("10.5.0.0/24")
    assert str(networks.parse_gateway("10.5.0.9", subnet)) == "10.5.0.9"
    for bad in ("10.5.0.0", "10.5.0.255", "10.6.0.1", "x"):
        with pytest.raises(InvalidArgument):
            networks.parse_gateway(bad, subnet)
