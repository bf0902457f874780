"""Networks: what a network is, checks on its settings, its record on disk.

<state>/networks/<name>.json holds name, id, driver, subnet, gateway and
bridge. The id is made once and kept, so it is stable across restarts; it
also marks the bridge as this stack's own (see setup_bridge).
"""
import dataclasses
import ipaddress
import os
import pathlib
import re

from common import atomic
from common.errors import InvalidArgument

DEFAULT_NETWORK = "bridge"
DRIVER = "bridge"
IFNAMSIZ = 16  # the kernel's limit, with the terminating NUL: 15 characters
_IFNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclasses.dataclass(frozen=True)
class Network:
    name: str
    id: str
    driver: str
    subnet: ipaddress.IPv4Network
    bridge: str

    @property
    def gateway(self) -> ipaddress.IPv4Address:
        """The first host address: it sits on the bridge."""
        return self.subnet.network_address + 1

    @property
    def prefix_len(self) -> int:
        return self.subnet.prefixlen

    @property
    def owner_tag(self) -> str:
        """The alias put on the bridge: only a bridge carrying it is ours."""
        return f"doca:{self.id}"

    def to_record(self) -> dict:
        return {"name": self.name, "id": self.id, "driver": self.driver,
                "subnet": str(self.subnet), "gateway": str(self.gateway), "bridge": self.bridge}


def parse_subnet(text: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(text, strict=True)
    except ValueError as e:
        raise InvalidArgument(f"invalid subnet {text!r}: {e}; expected a network like 10.77.0.0/16") from None
    if net.version != 4:
        raise InvalidArgument(f"invalid subnet {text!r}: only IPv4 subnets are supported")
    if net.prefixlen > 30:
        raise InvalidArgument(
            f"subnet {text} is too small: it needs a gateway and at least one container address (use /30 or larger)")
    if net.is_loopback or net.is_multicast or net.is_link_local or net.is_unspecified \
            or net.overlaps(ipaddress.ip_network("0.0.0.0/8")) or net.overlaps(ipaddress.ip_network("240.0.0.0/4")):
        raise InvalidArgument(f"subnet {text} is reserved (loopback, link-local, multicast or 0/8, 240/4): "
                              "choose a private range such as 10.77.0.0/16")
    return net


def check_bridge_name(name: str) -> str:
    if not name or len(name) >= IFNAMSIZ:
        raise InvalidArgument(f"invalid bridge name {name!r}: it must have 1 to {IFNAMSIZ - 1} characters")
    if not _IFNAME_RE.match(name):
        raise InvalidArgument(f"invalid bridge name {name!r}: use letters, digits, '_', '.' and '-' only")
    return name


def _path(state_dir: pathlib.Path, name: str) -> pathlib.Path:
    return pathlib.Path(state_dir) / "networks" / f"{name}.json"


def load(state_dir: pathlib.Path, name: str) -> Network | None:
    rec = atomic.read_json(_path(state_dir, name))
    if rec is None:
        return None
    return Network(name=rec["name"], id=rec["id"], driver=rec.get("driver", DRIVER),
                   subnet=ipaddress.IPv4Network(rec["subnet"]), bridge=rec["bridge"])


def configured(state_dir: pathlib.Path, name: str, bridge: str, subnet: str) -> Network:
    """The network as the flags describe it, with its stored id (or a new one)."""
    net = parse_subnet(subnet)
    check_bridge_name(bridge)
    stored = load(state_dir, name)
    net_id = stored.id if stored else os.urandom(32).hex()
    return Network(name=name, id=net_id, driver=DRIVER, subnet=net, bridge=bridge)


def save(state_dir: pathlib.Path, network: Network) -> None:
    path = _path(state_dir, network.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_json(path, network.to_record())
