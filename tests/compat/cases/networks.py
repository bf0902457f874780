"""network create's IPAM and driver flags (--ip-range, --aux-address,
--ipam-driver, --ipam-opt, -o/--opt, --attachable, --scope) and their bad
values, and the order network connect/disconnect check a missing network
and a missing container in (issue 12).

Every case that gives --subnet has a subnet of its own (10.201.N.0/24):
docker 20.10 keeps a subnet's pool when a create fails after taking it
(an auxiliary address refused), so a later case on the same subnet would
fail there."""
from tests.compat.case import case

RM = "network rm %n"
NONE_RUNNING = "run -d --network none --name %m %i sleep 60"
NONE_CREATED = "create --network none --name %m %i true"
CTR_GONE = "rm -f %m"


def _sub(n: int) -> str:
    return f"10.201.{n}.0/24"


def _ip(n: int, last: int) -> str:
    return f"10.201.{n}.{last}"


def _bad(id_, flags, says):
    """A create that both engines refuse; the network is removed should one of them make it.
    (Placeholders are not replaced in says: %n is "cx..." and %m "cy..."; the
    normaliser makes "docker" "engine" in messages.)"""
    return case(f"netflags-{id_}", f"network create {flags} %n", cleanup=RM, says=says)


CASES = [
    # --ip-range: inspect shows it; containers get addresses from it, the gateway is its first
    case("netflags-ip-range-inspect", "network inspect -f '{{json .IPAM}}' %n",
         setup=f"network create --subnet {_sub(1)} --ip-range 10.201.1.128/25 %n", cleanup=RM),
    case("netflags-ip-range-gateway-inspect", "network inspect -f '{{json .IPAM.Config}}' %n",
         setup=f"network create --subnet {_sub(2)} --ip-range 10.201.2.0/25 --gateway {_ip(2, 254)} %n", cleanup=RM),
    case("netflags-ip-range-wider-than-subnet", "network inspect -f '{{json .IPAM.Config}}' %n",
         setup=f"network create --subnet {_sub(3)} --ip-range 10.201.3.0/16 %n", cleanup=RM),
    case("netflags-ip-range-container-address",
         "run --rm --network %n %i sh -c \"ip -o -4 addr show eth0 | awk '{print $4}' | cut -d. -f4\"",
         setup=f"network create --subnet {_sub(4)} --ip-range 10.201.4.128/25 --aux-address a={_ip(4, 129)} %n",
         cleanup=RM),
    case("netflags-ip-range-route", "run --rm --network %n %i sh -c \"ip route | awk '/default/ {print $3}' | "
         "cut -d. -f4\"", setup=f"network create --subnet {_sub(5)} --ip-range 10.201.5.64/26 %n", cleanup=RM),
    case("netflags-ip-outside-range", "run --rm --network %n --ip 10.201.6.9 %i sh -c "
         "\"ip -o -4 addr show eth0 | awk '{print $4}' | cut -d. -f4\"",
         setup=f"network create --subnet {_sub(6)} --ip-range 10.201.6.128/25 %n", cleanup=RM),
    # --aux-address: inspect shows them; never a container's
    case("netflags-aux-inspect", "network inspect -f '{{json .IPAM.Config}}' %n",
         setup=f"network create --subnet {_sub(7)} --aux-address b={_ip(7, 200)} --aux-address a={_ip(7, 5)} %n",
         cleanup=RM),
    case("netflags-aux-skipped", "run --rm --network %n %i sh -c \"ip -o -4 addr show eth0 | awk '{print $4}' | "
         "cut -d. -f4\"",
         setup=f"network create --subnet {_sub(8)} --aux-address a={_ip(8, 2)} --aux-address b={_ip(8, 3)} %n",
         cleanup=RM),
    case("netflags-aux-ip-taken", f"run --rm --network %n --ip {_ip(9, 5)} %i true",
         setup=f"network create --subnet {_sub(9)} --aux-address a={_ip(9, 5)} %n", cleanup=RM,
         says="address already in use"),
    # the subnet as given, the gateway only when given
    case("netflags-subnet-only-inspect", "network inspect -f '{{json .IPAM}}' %n",
         setup=f"network create --subnet {_sub(10)} %n", cleanup=RM),
    case("netflags-subnet-host-bits", "network inspect -f '{{json .IPAM.Config}}' %n",
         setup="network create --subnet 10.201.11.7/24 %n", cleanup=RM),
    case("netflags-no-subnet-inspect", "network inspect -f '{{json .IPAM}} {{json .Options}}' %n",
         setup="network create %n", cleanup=RM),
    # -o/--opt: kept as given, unknown keys too
    case("netflags-opt-inspect", "network inspect -f '{{json .Options}}' %n",
         setup="network create -o com.docker.network.driver.mtu=1400 -o foo=bar -o bare "
               "--opt com.docker.network.bridge.enable_icc=false %n", cleanup=RM),
    case("netflags-opt-last-wins", "network inspect -f '{{json .Options}}' %n",
         setup="network create -o com.docker.network.driver.mtu=1400 -o com.docker.network.driver.mtu=1300 %n",
         cleanup=RM),
    case("netflags-opt-mtu-applied", "run --rm --network %n %i cat /sys/class/net/eth0/mtu",
         setup="network create -o com.docker.network.driver.mtu=1400 %n", cleanup=RM),
    case("netflags-opt-bool-forms", "network inspect -f '{{json .Options}}' %n",
         setup="network create -o com.docker.network.bridge.enable_ip_masquerade=0 "
               "-o com.docker.network.bridge.enable_icc=T %n", cleanup=RM),
    case("netflags-opt-unknown-bridge-keys", "network inspect -f '{{json .Options}}' %n",
         setup="network create -o com.docker.network.bridge.host_binding_ipv4=127.0.0.1 "
               "-o com.docker.network.container_iface_prefix=foo %n", cleanup=RM),
    case("netflags-opt-iface-prefix", "run --rm --network %n %i ls /sys/class/net",
         setup="network create -o com.docker.network.container_iface_prefix=foo %n", cleanup=RM),
    # --attachable, --scope, --ipam-driver, --ipam-opt
    case("netflags-attachable-inspect", "network inspect -f '{{.Attachable}} {{.Scope}}' %n",
         setup="network create --attachable %n", cleanup=RM),
    case("netflags-attachable-false", "network inspect -f '{{.Attachable}}' %n",
         setup="network create --attachable=false %n", cleanup=RM),
    case("netflags-scope-local-inspect", "network inspect -f '{{.Scope}}' %n",
         setup="network create --scope local %n", cleanup=RM),
    case("netflags-ipam-driver-inspect", "network inspect -f '{{.IPAM.Driver}} {{json .IPAM.Options}}' %n",
         setup="network create --ipam-driver default %n", cleanup=RM),
    case("netflags-ipam-opt-inspect", "network inspect -f '{{json .IPAM.Options}}' %n",
         setup="network create --ipam-opt foo=bar --ipam-opt bare %n", cleanup=RM),

    # bad values: the CLI's (Docker's consolidateIpam), then the daemon's
    _bad("ip-range-outside", f"--subnet {_sub(20)} --ip-range 10.202.0.0/24", "no matching subnet for range"),
    _bad("ip-range-no-subnet", "--ip-range 10.202.0.0/24", "every ip-range or gateway must have a corresponding subnet"),
    _bad("ip-range-bogus", f"--subnet {_sub(21)} --ip-range bogus", "no matching subnet for range bogus"),
    _bad("ip-range-bad-cidr", f"--subnet {_sub(22)} --ip-range 10.201.22.0/33", "invalid cidr address"),
    _bad("ip-range-two", f"--subnet {_sub(23)} --ip-range 10.201.23.0/25 --ip-range 10.201.23.128/25",
         "every ip-range or gateway must have a corresponding subnet"),
    _bad("aux-outside", f"--subnet {_sub(24)} --aux-address a=10.202.0.5", "no matching subnet for aux-address"),
    _bad("aux-bogus", f"--subnet {_sub(25)} --aux-address a=bogus", "no matching subnet for aux-address bogus"),
    _bad("aux-no-subnet", "--aux-address a=10.202.0.5", "no matching subnet for aux-address"),
    _bad("aux-is-gateway", f"--subnet {_sub(26)} --gateway {_ip(26, 1)} --aux-address a={_ip(26, 1)}",
         "failed to allocate secondary ip address (a:"),
    _bad("aux-is-default-gateway", f"--subnet {_sub(27)} --aux-address a={_ip(27, 1)}",
         "address already in use"),
    _bad("aux-network-address", f"--subnet {_sub(28)} --aux-address a={_ip(28, 0)}", "address already in use"),
    _bad("aux-broadcast", f"--subnet {_sub(29)} --aux-address a={_ip(29, 255)}", "address already in use"),
    _bad("aux-twice", f"--subnet {_sub(30)} --aux-address a={_ip(30, 7)} --aux-address b={_ip(30, 7)}",
         "address already in use"),
    _bad("aux-cidr", f"--subnet {_sub(31)} --aux-address a={_ip(31, 7)}/24", "non parsable secondary ip address"),
    _bad("aux-range-gateway", f"--subnet {_sub(32)} --ip-range 10.201.32.64/26 --aux-address a={_ip(32, 64)}",
         "address already in use"),
    _bad("subnet-bogus", "--subnet bogus", "invalid subnet"),
    _bad("subnet-bogus-with-range", "--subnet bogus --ip-range 10.202.0.0/24", "invalid subnet"),
    _bad("subnets-overlapping", f"--subnet {_sub(33)} --subnet 10.201.33.0/25",
         "multiple overlapping subnet configuration is not supported"),
    _bad("gateway-outside", f"--subnet {_sub(34)} --gateway 10.202.0.1", "no matching subnet for gateway"),
    _bad("gateway-no-subnet", "--gateway 10.202.0.1", "every ip-range or gateway must have a corresponding subnet"),
    _bad("gateway-broadcast", f"--subnet {_sub(35)} --gateway {_ip(35, 255)}", "failed to allocate gateway"),
    _bad("ipam-driver-unknown", "--ipam-driver nosuchipam", 'plugin "nosuchipam" not found'),
    _bad("scope-swarm", "--scope swarm", "cannot create a swarm scoped network when swarm is not active"),
    _bad("scope-global", "--scope global", "this node is not a swarm manager"),
    _bad("scope-bogus", "--scope bogus", "this node is not a swarm manager"),
    _bad("opt-mtu-word", "-o com.docker.network.driver.mtu=abc",
         'network.driver.mtu value: abc (strconv.atoi: parsing "abc": invalid syntax)'),
    _bad("opt-mtu-negative", "-o com.docker.network.driver.mtu=-1", "invalid mtu number: -1"),
    _bad("opt-icc-bad", "-o com.docker.network.bridge.enable_icc=maybe",
         "network.bridge.enable_icc value: maybe (strconv.parsebool"),
    _bad("opt-masquerade-bad", "-o com.docker.network.bridge.enable_ip_masquerade=x",
         "network.bridge.enable_ip_masquerade value: x (strconv.parsebool"),
    _bad("opt-bridge-name-long", "-o com.docker.network.bridge.name=abcdefghijklmnopq", "numerical result out of range"),
    _bad("opt-bridge-name-slash", "-o com.docker.network.bridge.name=a/b", "invalid argument"),
    _bad("opt-host-binding-bad", "-o com.docker.network.bridge.host_binding_ipv4=bogus",
         "network.bridge.host_binding_ipv4 value: bogus (nil ip)"),
    _bad("attachable-bad-value", "--attachable=maybe", 'invalid argument "maybe" for "--attachable" flag'),
    _bad("ip-range-takes-the-name", "--ip-range", "requires exactly 1 argument"),

    # what doca's networks are not: IPv6, a swarm's ingress, configuration-only ones
    _bad("ipv6", "--ipv6", "could not find an available, non-overlapping ipv6 address pool"),
    case("netflags-ipv6-false", "network inspect -f '{{.EnableIPv6}}' %n", setup="network create --ipv6=false %n",
         cleanup=RM),
    _bad("ipv6-after-ip-range", "--ipv6 --ip-range 10.202.0.0/24",
         "every ip-range or gateway must have a corresponding subnet"),
    _bad("ingress", "--ingress", "ingress network can only be global scope network"),
    _bad("config-from-missing", "--config-from nosuch-%n", 'configuration network "nosuch-cx'),

    # connect/disconnect: which of a missing network and a missing container is named
    case("netflags-disconnect-both-missing", "network disconnect nosuch-%n nosuch-%m", says="no such container"),
    case("netflags-disconnect-f-both-missing", "network disconnect -f nosuch-%n nosuch-%m",
         says=("network nosuch-cx", "not found")),
    case("netflags-disconnect-f-endpoint-missing", "network disconnect -f %n nosuch-%m",
         setup="network create %n", cleanup=RM, says=("endpoint nosuch-cy", "not found")),
    case("netflags-disconnect-container-missing", "network disconnect %n nosuch-%m",
         setup="network create %n", cleanup=RM, says="no such container"),
    case("netflags-disconnect-stopped-network-missing", "network disconnect nosuch-%n %m",
         setup=NONE_CREATED, cleanup=CTR_GONE, says="is not connected to the network nosuch-cx"),
    case("netflags-disconnect-stopped-not-connected", "network disconnect -f %n %m",
         setup=("network create %n", NONE_CREATED), cleanup=(CTR_GONE, RM), says="is not connected to the network cx"),
    case("netflags-disconnect-running-network-missing", "network disconnect nosuch-%n %m",
         setup=NONE_RUNNING, cleanup=CTR_GONE, says=("network nosuch-cx", "not found")),
    case("netflags-disconnect-running-f-network-missing", "network disconnect -f nosuch-%n %m",
         setup=NONE_RUNNING, cleanup=CTR_GONE, says="is not connected to the network nosuch-cx"),
    case("netflags-disconnect-running-not-connected", "network disconnect %n %m",
         setup=("network create %n", NONE_RUNNING), cleanup=(CTR_GONE, RM), says="is not connected to network cx"),
    case("netflags-connect-both-missing", "network connect nosuch-%n nosuch-%m", says="no such container"),
    case("netflags-connect-running-network-missing", "network connect nosuch-%n %m",
         setup=NONE_RUNNING, cleanup=CTR_GONE, says=("network nosuch-cx", "not found")),
]
