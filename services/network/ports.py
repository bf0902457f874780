"""Published ports: what a binding is, and the host ports held for them.

A published port is a DNAT rule (see firewall), but the host port must also
be *ours*, or a process on the host could listen on it and never see its
traffic, or a second container could publish it again. So the service binds
a socket on HOST_IP:HOST_PORT for each binding and keeps it for as long as
the container exists: a port already taken fails there, with Docker's
message, before anything is created; port 0 lets the kernel pick a free one
(Docker's random host port). The socket never listens (a TCP connection
that escapes the DNAT is refused, not left hanging) and is bound without
SO_REUSEADDR, so no other bind on that port can succeed while it is held.
"""
import dataclasses
import errno
import ipaddress
import logging
import socket

from common.errors import FailedPrecondition, InvalidArgument

log = logging.getLogger("doca.network.ports")
PROTOCOLS = ("tcp", "udp")
ANY = "0.0.0.0"


@dataclasses.dataclass(frozen=True)
class Binding:
    protocol: str
    container_port: int
    host_ip: str = ""
    host_port: int = 0

    @property
    def key(self) -> str:
        """Docker's port key: "80/tcp"."""
        return f"{self.container_port}/{self.protocol}"

    def to_record(self) -> dict:
        return dataclasses.asdict(self)


def from_record(rec: dict) -> Binding:
    return Binding(protocol=rec["protocol"], container_port=int(rec["container_port"]),
                   host_ip=rec.get("host_ip", ""), host_port=int(rec.get("host_port", 0)))


def check(b: Binding) -> Binding:
    """A binding as requested, validated: protocol, ports, host address."""
    protocol = (b.protocol or "tcp").lower()
    if protocol not in PROTOCOLS:
        raise InvalidArgument(f"invalid protocol {b.protocol!r} for port {b.container_port}: use tcp or udp")
    if not 1 <= b.container_port <= 65535:
        raise InvalidArgument(f"invalid container port {b.container_port}: 1 to 65535")
    if not 0 <= b.host_port <= 65535:
        raise InvalidArgument(f"invalid host port {b.host_port}: 1 to 65535, or 0 for a random one")
    host_ip = b.host_ip
    if host_ip:
        try:
            addr = ipaddress.ip_address(host_ip)
        except ValueError:
            raise InvalidArgument(f"invalid host IP {host_ip!r} for port {b.key}") from None
        if addr.version != 4:
            raise InvalidArgument(f"host IP {host_ip} for port {b.key}: only IPv4 is supported")
        host_ip = str(addr)
    return Binding(protocol, b.container_port, host_ip, b.host_port)


def _bind(b: Binding) -> socket.socket:
    kind = socket.SOCK_STREAM if b.protocol == "tcp" else socket.SOCK_DGRAM
    sock = socket.socket(socket.AF_INET, kind)
    try:
        sock.bind((b.host_ip or ANY, b.host_port))
    except OSError as e:
        sock.close()
        where = f"{b.host_ip or ANY}:{b.host_port}"
        if e.errno == errno.EADDRINUSE:
            raise FailedPrecondition(f"Bind for {where}/{b.protocol} failed: port is already allocated") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise InvalidArgument(f"Bind for {where}/{b.protocol} failed: {b.host_ip} is not an address "
                                  "of this host") from None
        raise FailedPrecondition(f"Bind for {where}/{b.protocol} failed: {e.strerror}") from None
    return sock


class Reservations:
    """The sockets holding published host ports, by container."""

    def __init__(self):
        self._held: dict[str, list[socket.socket]] = {}

    def reserve(self, owner: str, bindings: list[Binding]) -> list[Binding]:
        """Binds every host port (all or none); returns the bindings with
        the host ports the kernel chose for port 0."""
        socks, out = [], []
        try:
            for b in bindings:
                sock = _bind(b)
                socks.append(sock)
                out.append(dataclasses.replace(b, host_port=sock.getsockname()[1]))
        except BaseException:
            for s in socks:
                s.close()
            raise
        self.release(owner)
        self._held[owner] = socks
        return out

    def restore(self, owner: str, bindings: list[Binding]) -> None:
        """At start: binds again what the records hold; a port taken
        meanwhile is logged, not fatal (the DNAT rule still wins)."""
        socks = []
        for b in bindings:
            try:
                socks.append(_bind(b))
            except (FailedPrecondition, InvalidArgument) as e:
                log.warning("container %s: cannot hold its published port again: %s", owner[:12], e)
        self._held[owner] = socks

    def release(self, owner: str) -> None:
        for s in self._held.pop(owner, []):
            s.close()

    def release_all(self) -> None:
        for owner in list(self._held):
            self.release(owner)
