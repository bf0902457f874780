"""Endpoint set-up: a veth pair from the bridge into a container's namespace.

The host end ("vd" + 10 hex) is made on the bridge and up. The peer is made
directly inside the target namespace as eth0 (eth1, eth2... for a
container's further networks; one netlink request: no temporary name on the
host, nothing to rename), with the MAC derived from its address; then, over
a netlink socket opened in that namespace, it gets the address, goes up, lo
goes up, and a default route via the gateway is added when the endpoint is
to carry it (the container's first network that is not internal). If any
step fails the pair is deleted again (deleting the host end deletes the peer).
"""
import errno
import ipaddress
import logging
import socket

from common.errors import FailedPrecondition, Internal

from services.network import netns
from services.network.netlink import NetlinkError, delete_link, find_link

MAIN_TABLE = 254
log = logging.getLogger("doca.network.endpoint")


def create_endpoint(ipr, ns_fd: int, bridge_index: int, host_if: str,
                    ip: ipaddress.IPv4Address, subnet: ipaddress.IPv4Network,
                    gateway: ipaddress.IPv4Address, mac: str, ifname: str = "eth0",
                    default_route: bool = True, mtu: int = 0, isolated: bool = False) -> None:
    """`mtu`: both ends' (0: the kernel's default); `isolated`: the host end
    is an isolated bridge port (-o com.docker.network.bridge.enable_icc=false:
    no traffic to the network's other containers, the gateway still)."""
    if find_link(ipr, host_if) is not None:
        raise FailedPrecondition(
            f"host interface {host_if} already exists: detach the container first")
    sized = {"mtu": mtu} if mtu else {}
    try:
        # On the bridge and up from its creation: two netlink requests fewer
        # than a lookup of its index and a "set" after (~2-4 ms an attach).
        ipr.link("add", ifname=host_if, kind="veth", master=bridge_index, state="up", **sized,
                 peer={"ifname": ifname, "net_ns_fd": ns_fd, "address": mac, **sized})
    except NetlinkError as e:
        if e.code == errno.EEXIST:
            raise FailedPrecondition(
                f"the container's network namespace already has an interface named {ifname}") from None
        if e.code == errno.EINVAL and mtu:  # Docker's bridge driver fails the same way at the endpoint
            raise FailedPrecondition(f"cannot create veth pair {host_if} with mtu {mtu}: invalid argument") from None
        raise Internal(f"cannot create veth pair {host_if}: {e}") from None
    try:
        if isolated:
            ipr.brport("set", index=find_link(ipr, host_if)["index"], isolated=1)
        _configure_peer(ns_fd, ifname, ip, subnet, gateway if default_route else None)
    except BaseException:
        try:
            delete_link(ipr, host_if)
        except Exception:  # noqa: BLE001 - the first error is the one to report
            log.exception("could not remove veth %s after a failed attach", host_if)
        raise


def _configure_peer(ns_fd: int, ifname: str, ip, subnet, gateway) -> None:
    with netns.rtnl_in(ns_fd) as nsr:
        try:
            index = nsr.link_lookup(ifname=ifname)[0]
            nsr.addr("add", index=index, address=str(ip), prefixlen=subnet.prefixlen,
                     broadcast=str(subnet.broadcast_address))
            nsr.link("set", index=index, state="up")
            for lo in nsr.link_lookup(ifname="lo"):
                nsr.link("set", index=lo, state="up")
        except NetlinkError as e:
            raise Internal(f"cannot configure {ifname} in the container's namespace: {e}") from None
        if gateway is None:
            return
        try:
            nsr.route("add", dst="0.0.0.0/0", gateway=str(gateway))
        except NetlinkError as e:
            if e.code == errno.EEXIST:
                raise FailedPrecondition(
                    "the container's network namespace already has a default route") from None
            raise Internal(f"cannot add the default route via {gateway} in the container's namespace: {e}") from None


def ensure_default_route(ns_fd: int, gateway) -> bool:
    """Adds a default route via `gateway` when the namespace has none (after
    the endpoint that carried it went away). True if one was added."""
    with netns.rtnl_in(ns_fd) as nsr:
        routes = nsr.route("dump", family=socket.AF_INET, table=MAIN_TABLE)
        if any(r["dst_len"] == 0 for r in routes):
            return False
        try:
            nsr.route("add", dst="0.0.0.0/0", gateway=str(gateway))
        except NetlinkError as e:
            if e.code == errno.EEXIST:
                return False
            raise Internal(f"cannot add the default route via {gateway} in the container's namespace: {e}") from None
    return True


def remove_endpoint(ipr, host_if: str) -> bool:
    """Deletes the host end (and with it the peer); False if already gone."""
    return delete_link(ipr, host_if)


def repair_host_end(ipr, host_if: str, bridge_index: int, isolated: bool = False) -> bool:
    """Puts an existing host end back on the bridge and up (after the bridge
    was recreated), isolated again when the network says so. False if the
    host end is gone."""
    link = find_link(ipr, host_if)
    if link is None:
        return False
    if link.get("master") != bridge_index or not link["flags"] & 1:
        ipr.link("set", index=link["index"], master=bridge_index, state="up")
        if isolated:
            ipr.brport("set", index=link["index"], isolated=1)
    return True
