"""`network create`'s IPAM settings checked as Docker's daemon checks them
(libnetwork's default IPAM): the IPAM driver, --ip-range, --aux-address,
and the bounds of the range the pool hands addresses out from.

Docker's rules, kept here:
- --ip-range is a CIDR whose address lies in the subnet; the addresses
  handed out are those of the subnet whose host part lies in the range's
  (so a range wider than the subnet is the whole subnet); --ip still takes
  any free address of the subnet.
- Without --gateway, the gateway is the first address of the range.
- An auxiliary address must be an IP of the subnet, not its network or
  broadcast address, not the gateway, not another auxiliary address
  ("Address already in use", as Docker's pool says).
"""
import ipaddress

from common.errors import InvalidArgument, NotFound

DEFAULT_IPAM = "default"


def check_driver(name: str) -> str:
    """--ipam-driver: Docker's built-in default one only (a plugin elsewhere)."""
    if name in ("", DEFAULT_IPAM):
        return DEFAULT_IPAM
    if name == "null":
        raise InvalidArgument('ipam driver "null" gives a network no addresses: doca\'s networks need the '
                              '"default" IPAM driver')
    raise NotFound(f'plugin "{name}" not found')


def parse_range(subnet: ipaddress.IPv4Network, text: str) -> ipaddress.IPv4Network:
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise InvalidArgument(f"invalid ip-range {text!r}: invalid CIDR address: {text}") from None
    if "/" not in text or iface.version != 4 or iface.ip not in subnet:
        raise InvalidArgument(f"no matching subnet for range {text}")
    return iface.network


def bounds(subnet: ipaddress.IPv4Network, ip_range: str) -> tuple[int, int]:
    """The lowest and highest container address (as ints) of the pool:
    the subnet's without its network and broadcast address, within the
    range when there is one."""
    first, last = int(subnet.network_address) + 1, int(subnet.broadcast_address) - 1
    if ip_range:
        rng = parse_range(subnet, ip_range)
        host = int(subnet.hostmask)
        base = int(subnet.network_address)
        first = max(first, base + (int(rng.network_address) & host))
        last = min(last, base + (int(rng.broadcast_address) & host))
    return first, last


def first_of_range(subnet: ipaddress.IPv4Network, ip_range: str) -> ipaddress.IPv4Address:
    first, last = bounds(subnet, ip_range)
    if first > last:
        raise InvalidArgument(f"ip-range {ip_range} holds no address of subnet {subnet}")
    return ipaddress.IPv4Address(first)


def check_aux(subnet: ipaddress.IPv4Network, gateway: ipaddress.IPv4Address, network: str,
              aux: dict) -> dict:
    """--aux-address NAME=IP: Docker's messages, in its order."""
    taken = {subnet.network_address, subnet.broadcast_address, gateway}
    out = {}
    for key, value in aux.items():
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            raise InvalidArgument(f"non parsable secondary ip address ({key}:{value}) passed for network "
                                  f"{network}") from None
        if ip.version != 4 or ip not in subnet:
            raise InvalidArgument(f"auxilairy address: ({key}:{value}) must belong to the master pool: {subnet}")
        if ip in taken:
            raise InvalidArgument(f"failed to allocate secondary ip address ({key}:{value}): Address already in use")
        taken.add(ip)
        out[key] = str(ip)
    return out
