"""What a network driver does: the kernel's side of a network and of a
container's endpoint on it. The manager keeps everything else, whatever
the driver: the records (networks, addresses, endpoints, sandboxes), the
hosts files, the published ports and the firewall (fed by the networks
that have a bridge).

Every call comes under the manager's lock, with an RTNL socket in the
host's network namespace (`ipr`, netlink.host()). An endpoint's record (a
dict, endpoints.py) holds the manager's fields ("ip", "ifname", "route":
whether it carries the container's default route, ...) and those the
driver added in new_endpoint; it is written "pending" before join and
"ready" after, so a crash in between is undone at the next start (leave).
"""
import ipaddress
from typing import Protocol

from services.network.endpoints import EndpointStore
from services.network.networks import Network


class Driver(Protocol):
    name: str  # as `network create --driver` and the network's record say it

    # -- networks --------------------------------------------------------------

    def complete(self, net: Network) -> Network:
        """A new network with the driver's own fields filled in (the
        bridge's name)."""

    def pick_subnet(self, ipr, taken: list[ipaddress.IPv4Network]) -> ipaddress.IPv4Network:
        """A subnet for a network created without --subnet, overlapping
        none of `taken` (the other networks') nor anything of the host's."""

    def set_up(self, ipr, net: Network) -> None:
        """Makes the network's kernel objects, or repairs them; idempotent."""

    def restore(self, ipr, net: Network, endpoints: EndpointStore) -> None:
        """At the service's start: set_up, then the live endpoints on
        record put back in place and any of the driver's objects no record
        names removed."""

    def tear_down(self, ipr, net: Network) -> bool:
        """Removes the network's kernel objects unless something still uses
        them (False then: kept)."""

    # -- endpoints -------------------------------------------------------------

    def new_endpoint(self, ipr, net: Network, container_id: str) -> dict:
        """The driver's fields of a new endpoint's record (its host
        interface), before anything is made."""

    def join(self, ipr, net: Network, ns_fd: int, endpoint: dict) -> None:
        """The endpoint made and configured in the container's network
        namespace (`ns_fd`): its interface, address, and the default route
        via the network's gateway when endpoint["route"]. All or nothing."""

    def alive(self, ipr, endpoint: dict) -> bool:
        """The endpoint's kernel objects still exist (they die with the
        container's namespace)."""

    def leave(self, ipr, endpoint: dict) -> None:
        """Removes the endpoint's kernel objects; fine when already gone."""

    def take_default_route(self, ns_fd: int, net: Network) -> bool:
        """The container's default route now via this network (the
        endpoint that carried it left); True when one was added."""
