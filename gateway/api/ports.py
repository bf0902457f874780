"""Docker's port flags, parsed before anything is created:
-p [IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp] (ranges: 8000-8001:80-81),
-P (every EXPOSEd port of the image, to random host ports)."""
from common.errors import InvalidArgument
from common.validate import cut, digits
from doca.network.v1 import network_pb2 as npb

PROTOCOLS = ("tcp", "udp")


def _port(text: str, spec: str) -> int:
    if not digits(text) or not 1 <= int(text) <= 65535:
        raise InvalidArgument(f"invalid port {cut(text, 40)!r} in -p {cut(spec)!r}: a number from 1 to 65535")
    return int(text)


def _range(text: str, spec: str) -> list[int]:
    first, dash, last = text.partition("-")
    lo = _port(first, spec)
    hi = _port(last, spec) if dash else lo
    if hi < lo:
        raise InvalidArgument(f"invalid port range {text!r} in -p {spec!r}")
    return list(range(lo, hi + 1))


def parse_publish(spec: str) -> list[npb.PortBinding]:
    body, slash, proto = spec.partition("/")
    proto = proto.lower() if slash else "tcp"
    if proto not in PROTOCOLS:
        raise InvalidArgument(f"invalid protocol {proto!r} in -p {spec!r}: use tcp or udp")
    if body.startswith("["):
        raise InvalidArgument(f"invalid -p {spec!r}: IPv6 host addresses are not supported")
    parts = body.split(":")
    if len(parts) == 1:
        host_ip, host, ctr = "", "", parts[0]
    elif len(parts) == 2:
        host_ip, (host, ctr) = "", parts
    elif len(parts) == 3:
        host_ip, host, ctr = parts
    else:
        raise InvalidArgument(f"invalid -p {spec!r}: expected [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]")
    ctr_ports = _range(ctr, spec)
    host_ports = _range(host, spec) if host else [0] * len(ctr_ports)
    if len(host_ports) != len(ctr_ports):
        raise InvalidArgument(f"invalid -p {spec!r}: the host and container port ranges differ in length")
    return [npb.PortBinding(protocol=proto, container_port=c, host_ip=host_ip, host_port=h)
            for h, c in zip(host_ports, ctr_ports)]


def exposed_key(text: str) -> str:
    """"8000" -> "8000/tcp"; checks the port and protocol."""
    port, slash, proto = text.partition("/")
    proto = proto.lower() if slash else "tcp"
    if proto not in PROTOCOLS or not digits(port) or not 1 <= int(port) <= 65535:
        raise InvalidArgument(f"invalid exposed port {text!r}")
    return f"{int(port)}/{proto}"


def expose_flag(text: str) -> list[str]:
    """--expose PORT[-PORT][/PROTO] -> its "PORT/PROTO" keys, with Docker's
    CLI's words for a port it cannot read (0-65535, any protocol word)."""
    ports, slash, proto = text.partition("/")
    proto = proto.lower() if slash else "tcp"
    low, dash, high = ports.partition("-")
    bounds = []
    for value in (low, high) if dash else (low,):
        problem = "invalid syntax" if not digits(value) else "value out of range" if int(value) > 65535 else ""
        if problem:
            raise InvalidArgument(f'invalid range format for --expose: {text}, error: strconv.ParseUint: parsing '
                                  f'"{value}": {problem}')
        bounds.append(int(value))
    if len(bounds) == 2 and bounds[1] < bounds[0]:
        raise InvalidArgument(f"invalid range format for --expose: {text}, error: invalid range: {ports}")
    return [f"{port}/{proto}" for port in range(bounds[0], bounds[-1] + 1)]


def bindings(cfg, image_exposed) -> tuple[list[npb.PortBinding], list[str]]:
    """(the bindings to publish, the exposed ports) for a ContainerConfig:
    the image's EXPOSE, --expose's and the published ones."""
    out = [b for spec in cfg.publish for b in parse_publish(spec)]
    flagged = {key for text in cfg.expose for key in expose_flag(text)}
    exposed = sorted({exposed_key(p) for p in image_exposed} | {f"{b.container_port}/{b.protocol}" for b in out}
                     | flagged)
    if cfg.publish_all:
        published = {f"{b.container_port}/{b.protocol}" for b in out}
        for key in exposed:
            if key not in published:
                port, proto = key.split("/")
                out.append(npb.PortBinding(protocol=proto, container_port=int(port)))
    return out, exposed


def summary(sandbox, status: str) -> list:
    """docker ps' ports of a container: published ones while it runs, and
    the exposed ones."""
    from doca.v1 import containers_pb2 as cpb
    if sandbox is None or status not in ("running", "paused", "restarting"):
        return []
    out = [cpb.PortMapping(ip=b.host_ip or "0.0.0.0", private_port=b.container_port, public_port=b.host_port,
                           type=b.protocol) for b in sandbox.ports]
    published = {(b.container_port, b.protocol) for b in sandbox.ports}
    for key in sandbox.exposed:
        port, proto = key.split("/")
        if (int(port), proto) not in published:
            out.append(cpb.PortMapping(private_port=int(port), type=proto))
    return out
