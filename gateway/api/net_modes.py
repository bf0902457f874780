"""--network host and container:NAME, --pid/--ipc container:NAME at create:
Docker's checks and words (its runconfig's conflicts), NAME made the
other container's full id (Docker's HostConfig shows container:<id>), and
what such a container takes from elsewhere instead of its own network
sandbox (the other's hostname and /etc files; the host's name).

The runtime joins the namespaces (services/runtime/joined_ns.py) and
checks at each start that the other container runs."""
import dataclasses
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
    """Docker's daemon's conflicts (runconfig validateNetMode)."""
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
