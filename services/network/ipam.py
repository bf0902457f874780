"""IPv4 address management (IPAM) for one network, persisted crash-safely.

<state>/ipam/<network>.json: {"subnet": "10.77.0.0/16",
                              "allocated": {"10.77.0.2": "<owner>"}}

Never hands out the network address, the gateway, the broadcast address or
an auxiliary address (--aux-address); with --ip-range only the range's
addresses are handed out (ipam_config.bounds), while a chosen one (--ip)
may be any free address of the subnet, as Docker's IPAM allows.
The lowest free address is taken, so an address freed by Detach is the next
one handed out; that is harmless because an endpoint's MAC is derived from
its address, so neighbours' ARP caches stay right.

A release needs no space: on a full disk it is written when there is room
(common/unwritten.py); until then the file lists the address, which a
restart frees again (reconcile: an owner without an endpoint).
"""
import ipaddress
import pathlib

from common import atomic
from common.unwritten import OneFile, Unwritten
from common.errors import AlreadyExists, InvalidArgument, ResourceExhausted
from services.network import ipam_config


class AddressPool(OneFile):
    def __init__(self, path: pathlib.Path, subnet: ipaddress.IPv4Network,
                 gateway: ipaddress.IPv4Address, unwritten: Unwritten | None = None,
                 ip_range: str = "", reserved=()):
        self.path = pathlib.Path(path)
        self.unwritten = unwritten
        self.subnet = subnet
        self.gateway = gateway
        self._first = int(subnet.network_address) + 1
        self._last = int(subnet.broadcast_address) - 1
        # handed out from [_from, _to]; never the gateway or a reserved one
        self._from, self._to = ipam_config.bounds(subnet, ip_range)
        self._reserved = frozenset(int(ip) for ip in reserved) | {int(gateway)}
        self._allocated: dict[int, str] = {}
        data = atomic.read_json(self.path)
        if data and data.get("subnet") == str(subnet):
            for ip, owner in data.get("allocated", {}).items():
                value = int(ipaddress.IPv4Address(ip))
                if self._usable(value):
                    self._allocated[value] = owner
        if data is None or data.get("subnet") != str(subnet):
            # New, or the subnet changed (the manager allows that only when
            # no endpoint is left): start empty.
            self._save()

    def _usable(self, value: int) -> bool:
        return self._first <= value <= self._last and value not in self._reserved

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_json(self.path, {
            "subnet": str(self.subnet),
            "allocated": {str(ipaddress.IPv4Address(v)): o for v, o in sorted(self._allocated.items())},
        })

    @property
    def capacity(self) -> int:
        return self._to - self._from + 1 - sum(1 for v in self._reserved if self._from <= v <= self._to)

    def allocate(self, owner: str) -> ipaddress.IPv4Address:
        for value in range(self._from, self._to + 1):
            if value not in self._reserved and value not in self._allocated:
                self._claim(value, owner)
                return ipaddress.IPv4Address(value)
        where = f"{self.subnet}" if (self._from, self._to) == (self._first, self._last) else \
            f"{ipaddress.IPv4Address(self._from)}-{ipaddress.IPv4Address(self._to)} of {self.subnet}"
        raise ResourceExhausted(
            f"no free address left in {where}: all {self.capacity} container addresses are in use; "
            "detach containers or use a network with a larger subnet or --ip-range")

    def allocate_this(self, ip: ipaddress.IPv4Address, owner: str) -> ipaddress.IPv4Address:
        """A chosen address (`network connect --ip`)."""
        value = int(ip)
        if ip not in self.subnet or not self._usable(value):
            if ip in self.subnet and value in self._reserved and value != int(self.gateway):
                raise AlreadyExists(f"Address already in use: {ip} is an auxiliary address of {self.subnet}")
            raise InvalidArgument(f"address {ip} is not a usable container address of {self.subnet} "
                                  f"(not the network, gateway {self.gateway} or broadcast address)")
        if self._allocated.get(value, owner) != owner:
            raise AlreadyExists(f"address {ip} is already in use on {self.subnet}")
        self._claim(value, owner)
        return ip

    def _claim(self, value: int, owner: str) -> None:
        """Records and saves an allocation; not recorded if it cannot be saved."""
        self._allocated[value] = owner
        try:
            self._save()
        except BaseException:
            del self._allocated[value]
            raise

    def release(self, ip: ipaddress.IPv4Address) -> bool:
        if self._allocated.pop(int(ip), None) is None:
            return False
        self._save(freeing=True)
        return True

    def release_owner(self, owner: str) -> list[ipaddress.IPv4Address]:
        freed = [v for v, o in self._allocated.items() if o == owner]
        for v in freed:
            del self._allocated[v]
        if freed:
            self._save(freeing=True)
        return [ipaddress.IPv4Address(v) for v in freed]

    def allocations(self) -> dict[ipaddress.IPv4Address, str]:
        return {ipaddress.IPv4Address(v): o for v, o in sorted(self._allocated.items())}
