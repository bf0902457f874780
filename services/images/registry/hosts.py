"""Which server a reference's domain names, and whether it may be spoken to
without verified TLS.

As Docker: docker.io is served by registry-1.docker.io; a registry is
"insecure" (HTTPS without certificate checks, then plain HTTP) when its
address is in the insecure-registries setting, which always holds the
loopback addresses and localhost. The setting: DOCA_INSECURE_REGISTRIES,
comma-separated host[:port] names or CIDR ranges, read by the images
service at start."""
import ipaddress
import os

from common import reference

DOCKER_HUB_HOST = "registry-1.docker.io"
ENV = "DOCA_INSECURE_REGISTRIES"
DEFAULT_INSECURE = ("127.0.0.0/8", "::1/128", "localhost")


def server(domain: str) -> str:
    """host[:port] to connect to for a reference's domain."""
    return DOCKER_HUB_HOST if domain == reference.DEFAULT_DOMAIN else domain


def split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):  # [v6]:port
        host, _, rest = hostport[1:].partition("]")
        return host, rest.lstrip(":")
    host, _, port = hostport.partition(":")
    return host, port


class InsecurePolicy:
    def __init__(self, entries=None, defaults: bool = True):
        """defaults=False leaves out the loopback addresses (tests of TLS)."""
        if entries is None:
            entries = [e.strip() for e in os.environ.get(ENV, "").split(",") if e.strip()]
        self.networks = []
        self.names = set()
        for e in (list(DEFAULT_INSECURE) if defaults else []) + list(entries):
            try:
                self.networks.append(ipaddress.ip_network(e, strict=False))
            except ValueError:
                self.names.add(e.lower())

    def allows(self, hostport: str) -> bool:
        hostport = hostport.lower()
        host, _ = split_port(hostport)
        if hostport in self.names or host in self.names:
            return True
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)
