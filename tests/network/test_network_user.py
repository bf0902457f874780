"""User-defined networks through the CLI and grpcurl: create, ls, inspect,
rm, prune, connect, disconnect; name resolution between containers;
isolation between networks; internal networks."""
import json
import secrets
import subprocess


from tests.support import grpcurl
from tests.support.stack import free_subnet
from tests.support.netenv import Env



def _links() -> str:
    return subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout


def test_create_ls_inspect_rm(stack, env: Env):
    name, subnet = env.network("--label", "team=web")
    gateway = subnet.rsplit(".", 1)[0] + ".1"
    doc = env.inspect(name, "network")
    assert (doc["Name"], doc["Driver"], doc["Scope"], doc["Internal"]) == (name, "bridge", "local", False)
    assert len(doc["Id"]) == 64
    assert doc["IPAM"]["Config"] == [{"Subnet": subnet}]  # as given (Docker's): the gateway was not
    assert doc["Labels"] == {"team": "web"} and doc["Containers"] == {} and doc["Options"] == {}
    bridge = stack.doca("network", "ls", "--filter", f"name={name}", "--format", "{{.Bridge}} {{.Gateway}}").stdout.split()
    assert bridge[1] == gateway
    bridge = bridge[0]
    assert bridge.startswith(stack.bridge[:8] + "-") and len(bridge) <= 15 and f" {bridge}:" in _links()
    # By id prefix too.
    assert env.inspect(doc["Id"][:12], "network")["Name"] == name
    ls = stack.doca("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Subnet}}").stdout
    assert f"{name} bridge {subnet}" in ls.splitlines()
    assert doc["Id"][:12] in stack.doca("network", "ls", "-q").stdout.split()

    assert stack.doca("network", "rm", name).stdout.strip() == name
    env.networks.remove(name)
    assert name not in stack.doca("network", "ls").stdout
    assert f" {bridge}:" not in _links()
    r = stack.doca("network", "inspect", name, check=False)
    assert r.returncode == 1 and f"No such network: {name}" in r.stderr


def test_create_with_a_gateway_and_internal(stack, env: Env):
    name, _ = env.network("--internal")
    assert env.inspect(name, "network")["Internal"] is True
    other = "gw" + name[1:]
    subnet = free_subnet()
    gateway = subnet.rsplit(".", 1)[0] + ".254"
    stack.doca("network", "create", "--subnet", subnet, "--gateway", gateway, other)
    env.networks.append(other)
    assert env.inspect(other, "network")["IPAM"]["Config"] == [{"Subnet": subnet, "Gateway": gateway}]
    env.run("c" + other, "--network", other, "busybox", "sleep", "60")
    assert env.exec("c" + other, "ip", "route").stdout.startswith(f"default via {gateway} ")
    assert env.pings("c" + other, gateway)


def test_create_errors(stack, env: Env):
    name, subnet = env.network()
    cases = [
        (["--subnet", subnet, name], "already exists"),
        (["--subnet", subnet, "x" + name], "overlaps network " + name),
        (["--driver", "overlay", "x" + name], 'plugin "overlay" not found'),
        (["bad/name"], "invalid network name"),
        (["bridge"], "pre-defined"),
        (["--subnet", "10.1.2.3/33", "x" + name], "Invalid subnet 10.1.2.3/33 : invalid CIDR address"),
        (["--subnet", subnet.replace(".0/24", ".0/25"), "--gateway", subnet.replace(".0/24", ".200"), "x" + name],
         "no matching subnet for gateway"),  # Docker's CLI's words
        (["--subnet", subnet.replace(".0/24", ".0/25"), "--gateway", subnet.replace(".0/24", ".127"), "x" + name],
         "failed to allocate gateway"),  # the broadcast address: Docker's daemon's words

    ]
    for args, words in cases:
        r = stack.doca("network", "create", *args, check=False)
        assert r.returncode == 1 and words in r.stderr, (args, r.stderr)
    r = stack.doca("network", "rm", "bridge", check=False)
    assert r.returncode == 1 and "pre-defined network and cannot be removed" in r.stderr
    r = stack.doca("network", "rm", "no-such-net", check=False)
    assert r.returncode == 1 and "No such network: no-such-net" in r.stderr  # Docker's words


def test_containers_resolve_each_other_by_name(stack, env: Env):
    net, subnet = env.network()
    a = env.run("a" + net, "--network", net, "busybox", "sleep", "60")
    b = env.run("b" + net, "--network", net, "--network-alias", "db", "busybox", "sleep", "60")
    ip_a, ip_b = env.ip_of("a" + net, net), env.ip_of("b" + net, net)
    assert ip_a.startswith(subnet.rsplit(".", 1)[0]) and ip_a != ip_b
    for src, dst in (("a" + net, "b" + net), ("b" + net, "a" + net), ("a" + net, "db")):
        out = env.exec(src, "ping", "-c1", "-W1", dst).stdout
        assert "1 packets received" in out, out
    hosts = env.exec("a" + net, "cat", "/etc/hosts").stdout
    assert "127.0.0.1\tlocalhost" in hosts
    assert f"{ip_a}\t{a[:12]} a{net}" in hosts and f"{ip_b}\tb{net} db {b[:12]}" in hosts
    # The network's document lists both; the containers' documents their network.
    doc = env.inspect(net, "network")
    assert {c["Name"]: c["IPv4Address"] for c in doc["Containers"].values()} == \
        {"a" + net: f"{ip_a}/24", "b" + net: f"{ip_b}/24"}
    settings = env.inspect("a" + net)["NetworkSettings"]
    assert settings["Networks"][net]["NetworkID"] == doc["Id"] and settings["IPAddress"] == ip_a
    assert not [m for m in env.inspect("a" + net)["Mounts"] if m["Destination"] == "/etc/hosts"]
    # A container that leaves is no longer resolved.
    stack.doca("rm", "-f", "b" + net)
    hosts = env.exec("a" + net, "cat", "/etc/hosts").stdout
    assert not [line for line in hosts.splitlines() if "db" in line.split()[1:]]  # as a name, not inside an id
    assert env.exec("a" + net, "ping", "-c1", "-W1", "db", check=False).returncode != 0


def test_default_network_has_no_name_resolution(stack, env: Env):
    name = "d" + secrets.token_hex(3)
    env.run(name, "busybox", "sleep", "60")
    env.run("x" + name, "busybox", "sleep", "60")
    assert name not in env.exec("x" + name, "cat", "/etc/hosts").stdout
    assert env.pings("x" + name, env.ip_of(name))  # but the address answers


def test_rm_is_refused_while_containers_are_attached(stack, env: Env):
    net, _ = env.network()
    env.run("c" + net, "--network", net, "busybox", "sleep", "60")
    r = stack.doca("network", "rm", net, check=False)
    assert r.returncode == 1 and "has active endpoints" in r.stderr and "c" + net in r.stderr
    g = grpcurl.call(stack.socket("doca"), "doca.v1.Networks/Remove", {"id": net}, check=False)
    assert g.returncode == 64 + 9, g.stderr  # FAILED_PRECONDITION
    assert net in stack.doca("network", "ls").stdout
    stack.doca("rm", "-f", "c" + net)
    stack.doca("network", "rm", net)
    env.networks.remove(net)


def test_connect_and_disconnect(stack, env: Env):
    net, subnet = env.network()
    peer = "p" + net
    env.run(peer, "--network", net, "busybox", "sleep", "60")
    ctr = "c" + net
    cid = env.run(ctr, "busybox", "sleep", "60")
    wanted = subnet.rsplit(".", 1)[0] + ".77"
    stack.doca("network", "connect", "--ip", wanted, "--alias", "cache", net, ctr)
    addrs = env.exec(ctr, "ip", "-4", "-o", "addr").stdout
    assert f"eth1    inet {wanted}/24" in addrs and "eth0" in addrs
    routes = env.exec(ctr, "ip", "route").stdout
    assert routes.startswith(f"default via {stack.gateway_ip} dev eth0")  # still via its first network
    assert env.pings(peer, ctr) and env.pings(peer, "cache") and env.pings(ctr, peer)
    doc = env.inspect(ctr)
    assert set(doc["NetworkSettings"]["Networks"]) == {"bridge", net}
    assert doc["NetworkSettings"]["Networks"][net]["IPAddress"] == wanted
    assert cid in env.inspect(net, "network")["Containers"]
    # Connecting twice is refused, as a taken address is.
    r = stack.doca("network", "connect", net, ctr, check=False)
    assert r.returncode == 1 and "already exists in network" in r.stderr
    env.run("x" + net, "busybox", "sleep", "60")
    r = stack.doca("network", "connect", "--ip", wanted, net, "x" + net, check=False)
    assert r.returncode == 1 and f"address {wanted} is already in use" in r.stderr
    assert "eth1" not in env.exec("x" + net, "ip", "-o", "link").stdout

    stack.doca("network", "disconnect", net, ctr)
    assert "eth1" not in env.exec(ctr, "ip", "-o", "link").stdout
    assert ctr not in env.exec(peer, "cat", "/etc/hosts").stdout
    assert cid not in env.inspect(net, "network")["Containers"]
    r = stack.doca("network", "disconnect", net, ctr, check=False)
    assert r.returncode == 1 and "is not connected" in r.stderr
    # Leaving the network that carried the default route moves it.
    stack.doca("network", "connect", net, ctr)
    stack.doca("network", "disconnect", "bridge", ctr)
    assert env.exec(ctr, "ip", "route").stdout.startswith(f"default via {subnet.rsplit('.', 1)[0]}.1 dev eth")


def test_networks_are_isolated_from_each_other(stack, env: Env):
    net_a, _ = env.network()
    net_b, subnet_b = env.network()
    a, b, d = "a" + net_a, "b" + net_b, "d" + net_a
    env.run(a, "--network", net_a, "busybox", "sleep", "60")
    env.run(b, "--network", net_b, "busybox", "sleep", "60")
    env.run(d, "busybox", "sleep", "60")  # the default network
    ip_b, ip_d = env.ip_of(b), env.ip_of(d)
    assert not env.pings(a, ip_b) and not env.pings(b, env.ip_of(a)) and not env.pings(a, ip_d)
    assert not env.pings(d, ip_b)
    assert env.exec(a, "ping", "-c1", "-W1", b, check=False).returncode != 0  # not even resolved
    # The host's own addresses answer (INPUT, not FORWARD), and a shared network joins them.
    assert env.pings(a, subnet_b.rsplit(".", 1)[0] + ".1")
    stack.doca("network", "connect", net_b, a)
    assert env.pings(a, b) and env.pings(b, a)


def test_internal_network_has_no_route_out(stack, env: Env):
    internal, subnet = env.network("--internal")
    other, _ = env.network()
    i1, i2, o = "i1" + internal, "i2" + internal, "o" + other
    env.run(i1, "--network", internal, "busybox", "sleep", "60")
    env.run(i2, "--network", internal, "busybox", "sleep", "60")
    env.run(o, "--network", other, "busybox", "sleep", "60")
    assert "default" not in env.exec(i1, "ip", "route").stdout
    assert env.pings(i1, i2) and env.pings(i2, i1)  # inside: names and traffic
    assert env.pings(i1, subnet.rsplit(".", 1)[0] + ".1")  # its gateway on the host
    # Out: neither another network's gateway (a host address) nor its containers.
    r = env.exec(i1, "ping", "-c1", "-W1", stack.gateway_ip, check=False)
    assert r.returncode != 0 and "unreachable" in r.stderr + r.stdout
    assert not env.pings(i1, env.ip_of(o))
    assert not env.pings(o, env.ip_of(i1))
    assert env.pings(o, stack.gateway_ip)  # a network that is not internal has a route out


def test_prune_removes_unused_networks(stack, env: Env):
    used, _ = env.network()
    unused, _ = env.network()
    env.run("c" + used, "--network", used, "busybox", "sleep", "60")
    out = stack.doca("network", "prune", "-f").stdout
    assert unused in out and used not in out
    env.networks.remove(unused)
    ls = stack.doca("network", "ls").stdout
    assert used in ls and unused not in ls and "bridge" in ls


def test_network_api_through_grpcurl(stack, env: Env):
    sock = stack.socket("doca")
    name = "g" + secrets.token_hex(3)
    env.networks.append(name)
    created = json.loads(grpcurl.call(sock, "doca.v1.Networks/Create",
                                      {"name": name, "subnet": free_subnet(), "labels": {"k": "v"}}).stdout)
    assert created["name"] == name and created["driver"] == "bridge" and created["labels"] == {"k": "v"}
    doc = json.loads(grpcurl.call(sock, "doca.v1.Networks/Inspect", {"id": name}).stdout)
    assert doc["Id"] == created["id"] and doc["Labels"] == {"k": "v"}
    dup = grpcurl.call(sock, "doca.v1.Networks/Create", {"name": name}, check=False)
    assert dup.returncode == 64 + 6  # ALREADY_EXISTS
    missing = grpcurl.call(sock, "doca.v1.Networks/Inspect", {"id": "nope" + name}, check=False)
    assert missing.returncode == 64 + 5  # NOT_FOUND
    bad = grpcurl.call(sock, "doca.v1.Networks/Create", {"name": "y" + name, "subnet": "300.1.0.0/16"}, check=False)
    assert bad.returncode == 64 + 3  # INVALID_ARGUMENT
    # The network service answers the same, on its own socket.
    listed = json.loads(grpcurl.call(stack.socket("network"), "doca.network.v1.Network/List").stdout)
    assert name in [n["name"] for n in listed["networks"]]
