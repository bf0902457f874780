"""`network create`'s IPAM and driver flags, observed from outside: the
addresses containers get with --ip-range and --aux-address, the gateway
Docker's IPAM picks, and the bridge options doca applies (-o: the bridge's
name, enable_icc, enable_ip_masquerade, the MTU), as inspect shows them."""
import ipaddress
import secrets
import subprocess

from tests.support.netenv import Env
from tests.support.stack import free_subnet


def _eth0(env: Env, ctr: str) -> str:
    return env.exec(ctr, "ip", "-o", "link", "show", "eth0").stdout


def test_ip_range_and_aux_addresses(stack, env: Env):
    subnet = ipaddress.ip_network(free_subnet())
    base = subnet.network_address
    rng = f"{base + 128}/28"
    name = "n" + secrets.token_hex(3)
    stack.doca("network", "create", "--subnet", str(subnet), "--ip-range", rng, "--aux-address", f"a={base + 130}",
               "--aux-address", f"b={base + 5}", "--ipam-opt", "k=v", name)
    env.networks.append(name)
    doc = env.inspect(name, "network")
    assert doc["IPAM"] == {"Driver": "default", "Options": {"k": "v"}, "Config": [{
        "Subnet": str(subnet), "IPRange": rng, "AuxiliaryAddresses": {"a": str(base + 130), "b": str(base + 5)}}]}
    got = []
    for i in range(3):
        env.run(f"{name}-{i}", "--network", name, "busybox", "sleep", "60")
        got.append(env.ip_of(f"{name}-{i}", name))
    # the gateway is the range's first address (Docker's IPAM); .130 is reserved
    assert got == [str(base + 129), str(base + 131), str(base + 132)]
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network(rng) for ip in got)
    assert env.exec(f"{name}-0", "ip", "route").stdout.startswith(f"default via {base + 128} ")
    assert env.pings(f"{name}-0", str(base + 128)) and env.pings(f"{name}-0", got[1])
    # --ip may take any free address of the subnet, never an auxiliary one
    env.run(f"{name}-x", "--network", name, "--ip", str(base + 7), "busybox", "sleep", "60")
    assert env.ip_of(f"{name}-x", name) == str(base + 7)
    r = stack.doca("run", "-d", "--name", f"{name}-y", "--network", name, "--ip", str(base + 5), "busybox",
                   "sleep", "60", check=False)
    env.containers.append(f"{name}-y")
    assert r.returncode != 0 and "already in use" in r.stderr, r.stderr


def test_bad_ipam_values_create_nothing(stack, env: Env):
    name = "n" + secrets.token_hex(3)
    subnet = ipaddress.ip_network(free_subnet())
    cases = [
        (["--ip-range", "10.1.0.0/24"], "every ip-range or gateway must have a corresponding subnet"),
        (["--subnet", str(subnet), "--ip-range", "10.1.0.0/24"], "no matching subnet for range 10.1.0.0/24"),
        (["--subnet", str(subnet), "--aux-address", "a=10.1.0.1"], "no matching subnet for aux-address 10.1.0.1"),
        (["--subnet", str(subnet), "--aux-address", f"a={subnet.network_address + 1}"],
         f"failed to allocate secondary ip address (a:{subnet.network_address + 1}): Address already in use"),
        (["--subnet", "bogus"], "Invalid subnet bogus : invalid CIDR address: bogus"),
        (["--ipam-driver", "nosuch"], 'plugin "nosuch" not found'),
        (["--scope", "swarm"], "cannot create a swarm scoped network when swarm is not active"),
        (["-o", "com.docker.network.driver.mtu=x"], "failed to parse com.docker.network.driver.mtu value: x"),
        (["-o", "com.docker.network.bridge.enable_icc=maybe"], "strconv.ParseBool"),
    ]
    for args, words in cases:
        r = stack.doca("network", "create", *args, name, check=False)
        assert r.returncode == 1 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    assert name not in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()


def test_bridge_options_applied(stack, env: Env):
    bridge = "dto" + secrets.token_hex(4)
    opts = {"com.docker.network.bridge.name": bridge, "com.docker.network.bridge.enable_icc": "false",
            "com.docker.network.bridge.enable_ip_masquerade": "false", "com.docker.network.driver.mtu": "1400",
            "some.unknown.key": "kept"}
    flags = [w for k, v in opts.items() for w in ("-o", f"{k}={v}")]
    name, subnet = env.network(*flags, "--attachable", "--scope", "local")
    doc = env.inspect(name, "network")
    assert (doc["Options"], doc["Attachable"], doc["Scope"]) == (opts, True, "local")
    assert subprocess.run(["ip", "link", "show", bridge], capture_output=True).returncode == 0
    env.run(f"{name}-a", "--network", name, "busybox", "sleep", "60")
    env.run(f"{name}-b", "--network", name, "busybox", "sleep", "60")
    assert " mtu 1400 " in _eth0(env, f"{name}-a")
    gateway = str(ipaddress.ip_network(subnet).network_address + 1)
    assert env.pings(f"{name}-a", gateway)  # icc off: the gateway only
    assert not env.pings(f"{name}-a", env.ip_of(f"{name}-b", name))
    nat = subprocess.run(["iptables", "-w", "-t", "nat", "-S"], capture_output=True, text=True).stdout
    assert not [line for line in nat.splitlines() if f"-s {subnet} ! -o {bridge}" in line and "MASQUERADE" in line]
    # a second network on the same bridge: Docker's refusal
    r = stack.doca("network", "create", "-o", f"com.docker.network.bridge.name={bridge}", "x" + name, check=False)
    assert r.returncode == 1 and "networks have same bridge name" in r.stderr, r.stderr
    stack.doca("rm", "-f", f"{name}-a", f"{name}-b")
    env.containers.clear()
    stack.doca("network", "rm", name)
    env.networks.remove(name)
    assert subprocess.run(["ip", "link", "show", bridge], capture_output=True).returncode != 0
