"""--network host and container:NAME, --pid/--ipc container:NAME at create:
Docker's checks and words (its runconfig's conflicts), NAME made the
other container's full id (Docker's HostConfig shows container:<id>), and
what such a container takes from elsewhere instead of its own network
sandbox (the other's hostname and /etc files; the host's name).

The runtime joins the namespaces (services/runtime/joined_ns.py) and
checks at each start that the other container runs."""
import dataclasses
import re
import socket

from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb

PREFIX = "container:"
ETC = ("/etc/hosts", "/etc/hostname", "/etc/resolv.conf")


def is_shared(mode: str) -> bool:
    """A mode without a network of its own in the network service."""
    return mode == "host" or mode.startswith(PREFIX)


@dataclasses.dataclass
class Modes:
    network: str
    pid: str
    ipc: str
    donor: object = None  # the container whose network namespace is joined


def _other(runtime, value: str, what: str):
    name = value[len(PREFIX):]
    if not name:
        raise InvalidArgument(f"Invalid {what} mode: invalid container format container:<name|id>")
    return runtime.Inspect(rpb.InspectRequest(id=name))  # NOT_FOUND: "No such container: NAME"


def check_network(cfg, mode: str) -> None:
    """Docker's daemon's conflicts (runconfig validateNetMode), and what
    only a user network takes (Docker's CLI and daemon words)."""
    builtin = cfg.network in ("bridge", "none", "host") or cfg.network.startswith(PREFIX)
    if cfg.network_aliases and builtin:
        raise InvalidArgument("network-scoped aliases are only supported for user-defined networks")
    if cfg.ip and builtin and not cfg.network.startswith(PREFIX):  # container: ignores it, as Docker's
        raise InvalidArgument("user specified IP address is supported on user defined networks only")
    if mode.startswith(PREFIX):
        if not mode[len(PREFIX):]:
            raise InvalidArgument("Invalid network mode: invalid container format container:<name|id>")
        if cfg.hostname:
            raise InvalidArgument("conflicting options: hostname and the network mode")
        if cfg.dns:
            raise InvalidArgument("conflicting options: dns and the network mode")
        if cfg.add_hosts:
            raise InvalidArgument("conflicting options: custom host-to-IP mapping and the network mode")
        if cfg.publish or cfg.publish_all:
            raise InvalidArgument("conflicting options: port publishing and the container type network mode")
        if cfg.expose:
            raise InvalidArgument("conflicting options: port exposing and the container type network mode")


def resolve(runtime, cfg, network: str, pid: str, ipc: str) -> Modes:
    """container:NAME -> container:<id> for each mode (NAME must exist)."""
    check_network(cfg, network)
    out = Modes(network, pid, ipc)
    if network.startswith(PREFIX):
        out.donor = _other(runtime, network, "network")
        out.network = PREFIX + out.donor.id
    if pid.startswith(PREFIX):
        out.pid = PREFIX + _other(runtime, pid, "pid").id
    if ipc.startswith(PREFIX):
        out.ipc = PREFIX + _other(runtime, ipc, "ipc").id
    return out


def hostname(cfg, modes: Modes, default: str) -> str:
    """The donor's hostname (its /etc files come with its namespace); the
    host's for --network host without -h, as Docker's Config.Hostname."""
    if modes.donor is not None:
        return modes.donor.spec.hostname
    if modes.network == "host" and not cfg.hostname:
        return socket.gethostname()
    return cfg.hostname or default


def donor_etc_files(donor, mounts) -> list:
    """The donor's /etc/hosts, hostname and resolv.conf, unless the user
    mounts one of those paths."""
    taken = {m.destination for m in mounts}
    return [rpb.Mount(destination=m.destination, type="bind", source=m.source, options=list(m.options))
            for m in donor.spec.mounts if m.destination in ETC and m.destination not in taken]


_MAC = (re.compile(r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}"), re.compile(r"[0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5}"),
        re.compile(r"[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}"))


def mac_address(cfg, mode: str) -> str:
    """--mac-address in Go's net.ParseMAC forms (an Ethernet one, 6 bytes)
    -> aa:bb:cc:dd:ee:ff; Docker's words for a bad one and for a mode
    without a network of its own."""
    text = cfg.mac_address
    if not text:
        return ""
    if not any(r.fullmatch(text) for r in _MAC):
        raise InvalidArgument(f"{text} is not a valid mac address")
    if is_shared(mode):
        raise InvalidArgument("conflicting options: mac-address and the network mode")
    digits = re.sub(r"[^0-9a-fA-F]", "", text).lower()
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def check_links(cfg, mode: str) -> None:
    """--link: the default bridge's (no --network given) or a user
    network's; Docker's CLI refuses the others."""
    if not cfg.links:
        return
    if mode in ("none", "host") or mode.startswith(PREFIX) or (cfg.network == "bridge"):
        raise InvalidArgument("links are only supported for user-defined networks")
    for link in cfg.links:
        target, _, alias = link.partition(":")
        if not target or link.count(":") > 1:
            raise InvalidArgument(f"invalid value {link!r} for --link: expected NAME[:ALIAS]")


def link_hosts(runtime, network, cfg, mode: str) -> list[tuple[str, str]]:
    """The default bridge's legacy links as /etc/hosts lines (name, ip):
    the target's alias, name and short id at its address there, as Docker
    20.10 writes them. A user network's links add nothing (Docker resolves
    them by its DNS; doca's hosts files already name that network's peers)."""
    if not cfg.links or cfg.network:
        return []
    from doca.network.v1 import network_pb2 as npb
    out = []
    for link in cfg.links:
        target, _, alias = link.partition(":")
        other = runtime.Inspect(rpb.InspectRequest(id=target))
        if other.status not in ("running", "paused", "restarting"):
            raise InvalidArgument(f"Cannot link to a non running container: /{other.name} AS "
                                  f"/{cfg.name or 'new'}/{alias or target}")
        eps = network.ListEndpoints(npb.ListEndpointsRequest(container_id=other.id)).endpoints
        ip = next((e.ip_address for e in eps if e.network == mode), "")
        if not ip:
            raise InvalidArgument(f"Cannot link to /{other.name}, as it does not belong to the default network")
        out += [(name, ip) for name in dict.fromkeys([alias or other.name, other.id[:12], other.name])]
    return out
