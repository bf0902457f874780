"""Bridge set-up: the network's Linux bridge, its gateway address, up.

Only a bridge this stack made is ever changed or removed: at creation the
bridge gets the alias "doca:<network id>", and an existing interface of the
same name without that alias is refused, never adopted. The subnet must not
overlap any route or address the host already has on another interface.
"""
import ipaddress
import logging
import os
import socket

from common.errors import FailedPrecondition, ResourceExhausted

from services.network.netlink import find_link, link_kind
from services.network.networks import Network

MAIN_TABLE = 254
log = logging.getLogger("doca.network.bridge")


def _random_mac() -> str:
    # Locally administered, unicast. A bridge whose MAC was set explicitly
    # keeps it; otherwise it takes the lowest MAC of its ports and changes as
    # containers come and go, which leaves stale gateway entries in their
    # ARP caches.
    b = bytearray(os.urandom(6))
    b[0] = (b[0] & 0xFC) | 0x02
    return ":".join(f"{x:02x}" for x in b)


def _ifname(ipr, index: int) -> str:
    try:
        return ipr.link("get", index=index)[0].get("ifname") or f"#{index}"
    except Exception:  # noqa: BLE001 - only for a message
        return f"#{index}"


def _is_bridge(ipr, index) -> bool:
    try:
        return link_kind(ipr.link("get", index=index)[0]) == "bridge"
    except Exception:  # noqa: BLE001 - gone meanwhile: not a bridge to spare
        return False


def subnet_conflict(ipr, subnet: ipaddress.IPv4Network, own_index: int | None,
                    bridges_ok: bool = False) -> str | None:
    """Why `subnet` overlaps a route or an address of the host on an
    interface other than our bridge, or None (read-only). `bridges_ok`: a
    subnet the user gave (`network create --subnet`) may overlap another
    bridge's, as Docker never checks a given subnet against the host (two
    engines' networks side by side); never the host's other interfaces."""
    for route in ipr.route("dump", family=socket.AF_INET, table=MAIN_TABLE):
        dst_len = route["dst_len"]
        if dst_len == 0 or route.get("oif") == own_index:
            continue  # the default route covers everything; ours is ours
        dst = ipaddress.ip_network(f"{route.get('dst')}/{dst_len}", strict=False)
        if dst.overlaps(subnet) and not (bridges_ok and route.get("oif") and _is_bridge(ipr, route.get("oif"))):
            dev = _ifname(ipr, route.get("oif")) if route.get("oif") else "?"
            return f"subnet {subnet} overlaps the host's route to {dst} on {dev}"
    for addr in ipr.addr("dump", family=socket.AF_INET):
        if addr["index"] == own_index:
            continue
        iface = ipaddress.ip_interface(f"{addr.get('address')}/{addr['prefixlen']}")
        if iface.network.overlaps(subnet) and not (bridges_ok and _is_bridge(ipr, addr["index"])):
            return f"subnet {subnet} overlaps address {iface} on {_ifname(ipr, addr['index'])}"
    return None


def check_subnet_free(ipr, net: Network, own_index: int | None) -> None:
    """Refuses a subnet that overlaps a route or an address of the host on
    any interface other than our bridge (read-only: nothing is changed)."""
    why = subnet_conflict(ipr, net.subnet, own_index, bridges_ok=bool(net.ipam_subnet))
    if why:
        raise FailedPrecondition(f"{why}: choose another --subnet")


def pick_subnet(ipr, taken: list[ipaddress.IPv4Network]) -> ipaddress.IPv4Network:
    """Docker's default pools, in order: 172.17-31.0.0/16, then
    192.168.0.0/16 in /20s; the first that nothing uses."""
    candidates = [ipaddress.ip_network(f"172.{b}.0.0/16") for b in range(17, 32)]
    candidates += list(ipaddress.ip_network("192.168.0.0/16").subnets(new_prefix=20))
    for subnet in candidates:
        if not any(subnet.overlaps(t) for t in taken) and subnet_conflict(ipr, subnet, None) is None:
            return subnet
    raise ResourceExhausted("no free subnet left in 172.17.0.0/12 or 192.168.0.0/16: give one with --subnet")


def _owned_bridge(ipr, net: Network):
    """The bridge's link message if it exists and is ours; None if absent."""
    link = find_link(ipr, net.bridge)
    if link is None:
        return None
    if link_kind(link) != "bridge":
        raise FailedPrecondition(
            f"interface {net.bridge} already exists and is not a bridge: choose another --bridge")
    if link.get("ifalias") != net.owner_tag:
        raise FailedPrecondition(
            f"bridge {net.bridge} already exists but was not made by this doca stack "
            f"(its alias is {link.get('ifalias')!r}, expected {net.owner_tag!r}): choose another --bridge, "
            f"or delete it with `ip link del {net.bridge}` if it is a leftover")
    return link


def ensure_bridge(ipr, net: Network) -> int:
    """Creates or reuses the bridge; gives it the gateway address; sets it up.
    Returns its interface index. Idempotent."""
    link = _owned_bridge(ipr, net)
    check_subnet_free(ipr, net, link["index"] if link else None)
    if link is None:
        ipr.link("add", ifname=net.bridge, kind="bridge", address=_random_mac())
        index = find_link(ipr, net.bridge)["index"]
        # The kernel ignores an alias in the create request: set it now.
        ipr.link("set", index=index, ifalias=net.owner_tag)
        log.info("created bridge %s", net.bridge)
    else:
        index = link["index"]
    _ensure_gateway_address(ipr, index, net)
    _route_localnet(net.bridge)
    ipr.link("set", index=index, state="up")
    return index


def _route_localnet(bridge: str) -> None:
    """Published ports answer on 127.0.0.1: the DNAT-ed packets keep their
    loopback source on the way to the bridge (see firewall)."""
    with open(f"/proc/sys/net/ipv4/conf/{bridge}/route_localnet", "w") as f:
        f.write("1")


def _ensure_gateway_address(ipr, index: int, net: Network) -> None:
    have = False
    for addr in ipr.addr("dump", index=index, family=socket.AF_INET):
        if addr.get("address") == str(net.gateway) and addr["prefixlen"] == net.prefix_len:
            have = True
        else:  # left from an earlier subnet of this same bridge
            ipr.addr("del", index=index, address=addr.get("address"), prefixlen=addr["prefixlen"])
    if not have:
        ipr.addr("add", index=index, address=str(net.gateway), prefixlen=net.prefix_len,
                 broadcast=str(net.subnet.broadcast_address))


def remove_bridge(ipr, net: Network) -> bool:
    """Deletes the bridge if it is ours and no port is left on it."""
    link = find_link(ipr, net.bridge)
    if link is None:
        return True
    if link_kind(link) != "bridge" or link.get("ifalias") != net.owner_tag:
        log.warning("not removing %s: it is not this stack's bridge", net.bridge)
        return False
    index = link["index"]
    ports = [p.get("ifname") for p in ipr.link("dump") if p.get("master") == index]
    if ports:
        log.info("keeping bridge %s: ports %s are still on it", net.bridge, ", ".join(ports))
        return False
    ipr.link("del", index=index)
    log.info("removed bridge %s", net.bridge)
    return True


def bridge_index(ipr, net: Network) -> int:
    link = _owned_bridge(ipr, net)
    if link is None:
        raise FailedPrecondition(
            f"bridge {net.bridge} of network {net.name} is gone: restart the network service to recreate it")
    return link["index"]
