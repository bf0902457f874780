"""Networks: what a network is, checks on its settings, its record on disk.

<state>/networks/<name>.json holds name, id, driver, subnet, gateway,
bridge, internal, labels, the creation time, and what `network create`
gave beside them (ipam.py's range and auxiliary addresses, the driver's
options, attachable, the IPAM driver's options, the subnet and gateway as
given: Docker's inspect shows them as given). The id is made once and
kept, so it is stable across restarts; it also marks the bridge as this
stack's own (see drivers/bridge_device.py).

The default network ("bridge") comes from the service's flags; user networks
(`doca network create`) get their driver's fields (drivers/: the bridge
driver's bridge is named after the default one, so the bridges of a stack are
recognisable: "<default bridge, 8 chars>-<6 hex of the id>").
"""
import dataclasses
import ipaddress
import os
import pathlib
import re
import time

from common import atomic, validate
from common.errors import InvalidArgument

DEFAULT_NETWORK = "bridge"
DEFAULT_DRIVER = "bridge"  # the default network's, and a network's record's without one
IFNAMSIZ = 16  # the kernel's limit, with the terminating NUL: 15 characters
_IFNAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
MAX_NAME = 64
# Docker's predefined names: not creatable, not removable.
RESERVED_NAMES = (DEFAULT_NETWORK, "host", "none")


@dataclasses.dataclass(frozen=True)
class Network:
    name: str
    id: str
    driver: str
    subnet: ipaddress.IPv4Network
    bridge: str  # "" for a driver without one
    gateway: ipaddress.IPv4Address = None  # default: the first host address
    internal: bool = False
    labels: dict = dataclasses.field(default_factory=dict)
    created: float = 0.0
    ip_range: str = ""  # --ip-range as given ("" = the whole subnet)
    aux_addresses: dict = dataclasses.field(default_factory=dict)  # NAME -> IP, never handed out
    options: dict = dataclasses.field(default_factory=dict)  # -o/--opt as given
    attachable: bool = False
    ipam_driver: str = "default"
    ipam_options: dict = dataclasses.field(default_factory=dict)
    ipam_subnet: str = ""  # --subnet as given, "" when picked
    ipam_gateway: str = ""  # --gateway as given

    def __post_init__(self):
        if self.gateway is None:
            object.__setattr__(self, "gateway", self.subnet.network_address + 1)

    @property
    def prefix_len(self) -> int:
        return self.subnet.prefixlen

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_NETWORK

    @property
    def owner_tag(self) -> str:
        """The alias put on the bridge: only a bridge carrying it is ours."""
        return f"doca:{self.id}"

    def to_record(self) -> dict:
        rec = {"name": self.name, "id": self.id, "driver": self.driver,
               "subnet": str(self.subnet), "gateway": str(self.gateway), "bridge": self.bridge,
               "internal": self.internal, "labels": dict(self.labels), "created": self.created}
        extra = {"ip_range": self.ip_range, "aux_addresses": dict(self.aux_addresses),
                 "options": dict(self.options), "attachable": self.attachable,
                 "ipam_driver": self.ipam_driver if self.ipam_driver != "default" else "",
                 "ipam_options": dict(self.ipam_options), "ipam_subnet": self.ipam_subnet,
                 "ipam_gateway": self.ipam_gateway}
        rec.update({k: v for k, v in extra.items() if v})  # a record of an older doca stays as it was
        return rec

    @property
    def address_range(self) -> ipaddress.IPv4Network | None:
        """--ip-range as a network (host bits kept off), or None."""
        return ipaddress.IPv4Network(self.ip_range, strict=False) if self.ip_range else None

    @property
    def bridge_options(self):
        """-o/--opt as the bridge driver applies them (bridge_options.py)."""
        from services.network import bridge_options
        return bridge_options.parse(self.options)

    @property
    def masquerade(self) -> bool:
        return self.bridge_options.masquerade

    @property
    def reserved(self) -> frozenset:
        """The auxiliary addresses: never a container's."""
        return frozenset(ipaddress.IPv4Address(ip) for ip in self.aux_addresses.values())


def check_name(name: str) -> str:
    if not name:
        raise InvalidArgument("a network name is required")
    # matched whole: the name is a file (networks/<name>.json), "x\n" must fail
    if len(name) > MAX_NAME or not _NAME_RE.fullmatch(name):
        raise InvalidArgument(f"invalid network name {validate.shown(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are "
                              f"allowed (at most {MAX_NAME} characters)")
    if name in RESERVED_NAMES:
        raise InvalidArgument(f"{name} is a pre-defined network and cannot be created")
    return name


def user_bridge_name(default_bridge: str, net_id: str) -> str:
    return f"{default_bridge[:8]}-{net_id[:6]}"


def parse_gateway(text: str, subnet: ipaddress.IPv4Network) -> ipaddress.IPv4Address:
    try:
        ip = ipaddress.IPv4Address(text)
    except ValueError:
        raise InvalidArgument(f"invalid gateway {text!r}: expected an IPv4 address") from None
    if ip in (subnet.network_address, subnet.broadcast_address):  # Docker's words, then why
        raise InvalidArgument(f"failed to allocate gateway ({ip}): Address already in use: it is not a host "
                              f"address of subnet {subnet}")
    if ip not in subnet:
        raise InvalidArgument(f"no matching subnet for gateway {ip}: it is not a host address of subnet {subnet}")
    return ip


def new_user_network(name: str, driver: str, subnet: ipaddress.IPv4Network, gateway: str,
                     internal: bool, labels: dict, **given) -> Network:
    """Its driver fills in its own fields (Driver.complete). `given`: the
    other fields of `network create` (ip_range, aux_addresses, options,
    ...), checked by ipam_config.py. Without --gateway the gateway is the
    first address of --ip-range, as Docker's IPAM hands it out."""
    gw = parse_gateway(gateway, subnet) if gateway else None
    if gw is None and given.get("ip_range"):
        from services.network import ipam_config
        gw = ipam_config.first_of_range(subnet, given["ip_range"])
    return Network(name=name, id=os.urandom(32).hex(), driver=driver, subnet=subnet, bridge="",
                   gateway=gw, internal=internal, labels=dict(labels), created=time.time(), **given)


def parse_subnet(text: str, strict: bool = True) -> ipaddress.IPv4Network:
    """`strict` False: host bits are dropped, as Docker's daemon takes a
    user network's --subnet (shown as given: Network.ipam_subnet)."""
    try:
        ipaddress.ip_interface(text if "/" in text else "/")
    except ValueError:  # Docker's words (net.ParseCIDR's)
        raise InvalidArgument(f"Invalid subnet {text} : invalid CIDR address: {text} (expected a network like "
                              "10.77.0.0/16)") from None
    try:
        net = ipaddress.ip_network(text, strict=strict)
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
    if not _IFNAME_RE.fullmatch(name):
        raise InvalidArgument(f"invalid bridge name {name!r}: use letters, digits, '_', '.' and '-' only")
    return name


def _path(state_dir: pathlib.Path, name: str) -> pathlib.Path:
    return pathlib.Path(state_dir) / "networks" / f"{name}.json"


def _from_record(rec: dict) -> Network:
    subnet = ipaddress.IPv4Network(rec["subnet"])
    return Network(name=rec["name"], id=rec["id"], driver=rec.get("driver", DEFAULT_DRIVER), subnet=subnet,
                   bridge=rec["bridge"], gateway=ipaddress.IPv4Address(rec.get("gateway") or subnet[1]),
                   internal=bool(rec.get("internal")), labels=dict(rec.get("labels") or {}),
                   created=float(rec.get("created") or 0), ip_range=rec.get("ip_range", ""),
                   aux_addresses=dict(rec.get("aux_addresses") or {}), options=dict(rec.get("options") or {}),
                   attachable=bool(rec.get("attachable")), ipam_driver=rec.get("ipam_driver") or "default",
                   ipam_options=dict(rec.get("ipam_options") or {}), ipam_subnet=rec.get("ipam_subnet", ""),
                   ipam_gateway=rec.get("ipam_gateway", ""))


def load(state_dir: pathlib.Path, name: str) -> Network | None:
    rec = atomic.read_json(_path(state_dir, name))
    return None if rec is None else _from_record(rec)


def load_all(state_dir: pathlib.Path) -> list[Network]:
    """Every network on record (the default one included)."""
    out = []
    for path in sorted((pathlib.Path(state_dir) / "networks").glob("*.json")):
        rec = atomic.read_json(path)
        if rec is not None:
            out.append(_from_record(rec))
    return out


def delete(state_dir: pathlib.Path, name: str) -> None:
    try:
        os.unlink(_path(state_dir, name))
    except FileNotFoundError:
        pass


def configured(state_dir: pathlib.Path, name: str, bridge: str, subnet: str) -> Network:
    """The network as the flags describe it, with its stored id (or a new one)."""
    net = parse_subnet(subnet)
    check_bridge_name(bridge)
    stored = load(state_dir, name)
    net_id = stored.id if stored else os.urandom(32).hex()
    created = stored.created if stored and stored.created else time.time()
    return Network(name=name, id=net_id, driver=DEFAULT_DRIVER, subnet=net, bridge=bridge, created=created)


def save(state_dir: pathlib.Path, network: Network) -> None:
    path = _path(state_dir, network.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_json(path, network.to_record())
