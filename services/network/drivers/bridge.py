"""The bridge driver (Docker's default): a Linux bridge per network, with
the gateway's address on it (bridge_device.py), and a veth pair per
endpoint from the bridge into the container's namespace (veth.py).

A user network's bridge is named after the stack's default bridge, so a
stack's bridges are recognisable: "<default bridge, 8 chars>-<6 hex of the
network id>" (networks.user_bridge_name).
"""
import dataclasses
import ipaddress
import logging

from services.network import networks
from services.network.drivers import bridge_device, veth
from services.network.endpoints import HOST_PREFIX, EndpointStore, host_interface_name, mac_for
from services.network.netlink import find_link, link_kind
from services.network.networks import Network

log = logging.getLogger("doca.network.bridge")


class BridgeDriver:
    name = "bridge"

    def __init__(self, stack_bridge: str):
        self.stack_bridge = stack_bridge  # the default network's bridge: user bridges are named after it

    # -- networks --------------------------------------------------------------

    def complete(self, net: Network) -> Network:
        """The bridge's name: -o com.docker.network.bridge.name's, or one
        named after the stack's."""
        name = net.bridge_options.bridge_name or networks.user_bridge_name(self.stack_bridge, net.id)
        return dataclasses.replace(net, bridge=name)

    def pick_subnet(self, ipr, taken: list[ipaddress.IPv4Network]) -> ipaddress.IPv4Network:
        return bridge_device.pick_subnet(ipr, taken)

    def set_up(self, ipr, net: Network) -> None:
        bridge_device.ensure_bridge(ipr, net)

    def restore(self, ipr, net: Network, endpoints: EndpointStore) -> None:
        """Every endpoint's host end back on the bridge and up (the bridge
        may have been made again); a "vd" veth on it no record names is
        deleted."""
        index = bridge_device.ensure_bridge(ipr, net)
        wanted = set()
        for _, rec in endpoints.items():
            wanted.add(rec["host_interface"])
            veth.repair_host_end(ipr, rec["host_interface"], index, isolated=not net.bridge_options.icc)
        for link in ipr.link("dump"):
            name = link.get("ifname") or ""
            if (link.get("master") == index and name.startswith(HOST_PREFIX)
                    and link_kind(link) == "veth" and name not in wanted):
                log.info("deleting veth %s: it is on our bridge but no endpoint uses it", name)
                veth.remove_endpoint(ipr, name)

    def tear_down(self, ipr, net: Network) -> bool:
        return bridge_device.remove_bridge(ipr, net)

    # -- endpoints -------------------------------------------------------------

    def new_endpoint(self, ipr, net: Network, container_id: str) -> dict:
        return {"host_interface": host_interface_name(net.id, container_id)}

    def join(self, ipr, net: Network, ns_fd: int, endpoint: dict) -> None:
        ip = ipaddress.IPv4Address(endpoint["ip"])
        # A bridge gone (deleted by hand) fails here: one lookup per attach.
        opts = net.bridge_options
        veth.create_endpoint(ipr, ns_fd, bridge_device.bridge_index(ipr, net), endpoint["host_interface"], ip,
                             net.subnet, net.gateway, endpoint.get("mac") or mac_for(ip), ifname=endpoint["ifname"],
                             default_route=endpoint["route"], mtu=opts.mtu, isolated=not opts.icc)

    def alive(self, ipr, endpoint: dict) -> bool:
        return find_link(ipr, endpoint["host_interface"]) is not None

    def leave(self, ipr, endpoint: dict) -> None:
        veth.remove_endpoint(ipr, endpoint["host_interface"])

    def take_default_route(self, ns_fd: int, net: Network) -> bool:
        return veth.ensure_default_route(ns_fd, net.gateway)
