"""Endpoints: a container's attachment to a network, and their record on disk.

<state>/endpoints/<network>.json: {container_id: {"ip": ..., "host_interface": ...,
    "state": "pending" | "ready", "ifname": "eth0", "route": carries the default route,
    "netns_path": ..., "name": container name, "aliases": [...], "created": time}}

An endpoint is written "pending" before any kernel object is made and
"ready" once the namespace is configured; a pending record found at start is
work a crash interrupted, and is undone (see reconcile). A removal needs no
space: on a full disk it is written when there is room (common/unwritten.py).
"""
import dataclasses
import hashlib
import ipaddress
import pathlib

from common import atomic
from common.unwritten import OneFile, Unwritten

PENDING = "pending"
READY = "ready"
HOST_PREFIX = "vd"
CONTAINER_IFNAME = "eth0"


@dataclasses.dataclass(frozen=True)
class Endpoint:
    container_id: str
    network: str
    ip_address: str
    prefix_len: int
    gateway: str
    mac_address: str
    host_interface: str
    bridge: str
    container_name: str = ""
    interface: str = "eth0"
    aliases: tuple = ()
    network_id: str = ""


def host_interface_name(network_id: str, container_id: str) -> str:
    """'vd' + 10 hex digits: 14 characters (the kernel allows 15), unique per
    stack, network and container."""
    digest = hashlib.sha256(f"{network_id}/{container_id}".encode()).hexdigest()
    return HOST_PREFIX + digest[:10]


def mac_for(ip: ipaddress.IPv4Address) -> str:
    """Docker's rule: 02:42 followed by the four bytes of the IPv4 address."""
    return "02:42:" + ":".join(f"{b:02x}" for b in ip.packed)


class EndpointStore(OneFile):
    def __init__(self, path: pathlib.Path, unwritten: Unwritten | None = None):
        self.path = pathlib.Path(path)
        self.unwritten = unwritten
        self._records: dict[str, dict] = atomic.read_json(self.path, {}) or {}

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_json(self.path, self._records)

    def get(self, container_id: str) -> dict | None:
        rec = self._records.get(container_id)
        return dict(rec) if rec else None

    def put(self, container_id: str, record: dict, freeing: bool = False) -> None:
        old = self._records.get(container_id)
        self._records[container_id] = dict(record)
        try:
            self._save(freeing)
        except BaseException:
            if old is None:
                self._records.pop(container_id, None)
            else:
                self._records[container_id] = old
            raise

    def remove(self, container_id: str) -> bool:
        if self._records.pop(container_id, None) is None:
            return False
        self._save(freeing=True)
        return True

    def items(self) -> list[tuple[str, dict]]:
        return [(cid, dict(rec)) for cid, rec in sorted(self._records.items())]

    def __len__(self) -> int:
        return len(self._records)
