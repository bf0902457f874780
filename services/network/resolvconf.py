"""A container's /etc/resolv.conf, as Docker makes it for a bridge network:
the host's, without the nameservers a container cannot reach (loopback
ones: 127.0.0.0/8, ::1), and Google's public ones when none is left. Search
domains and options are kept."""
import ipaddress

from common.errors import InvalidArgument

HOST_FILE = "/etc/resolv.conf"
FALLBACK = ("8.8.8.8", "8.8.4.4")


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def render(host_text: str) -> str:
    lines, servers = [], 0
    for line in host_text.splitlines():
        words = line.split()
        if words[:1] == ["nameserver"] and len(words) > 1:
            if _loopback(words[1]):
                continue
            servers += 1
        lines.append(line)
    if not servers:
        lines += [f"nameserver {ip}" for ip in FALLBACK]
    return "\n".join(lines).strip("\n") + "\n"


def from_host(path: str = HOST_FILE) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return render(f.read())
    except FileNotFoundError:
        return render("")


class Resolver:
    """--dns, --dns-search, --dns-option: each given one replaces the host's
    lines of its kind (Docker's rule); none given: the host's file."""

    def __init__(self, servers=(), search=(), options=()):
        for ip in servers:
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                raise InvalidArgument(f"invalid --dns {ip!r}: an IP address is required") from None
        self.servers, self.search, self.options = list(servers), list(search), list(options)

    def file(self, host_text: str | None = None) -> str:
        """None given: the host's file. Else Docker's (libnetwork's
        resolvconf.Build): search, nameservers, options, each the user's or
        else the host's."""
        base = from_host() if host_text is None else render(host_text)
        if not (self.servers or self.search or self.options):
            return base
        words = [line.split() for line in base.splitlines()]
        servers = self.servers or [w[1] for w in words if w[:1] == ["nameserver"] and len(w) > 1]
        search = self.search or [d for w in words if w[:1] in (["search"], ["domain"]) for d in w[1:]]
        options = self.options or [o for w in words if w[:1] == ["options"] for o in w[1:]]
        lines = (["search " + " ".join(search)] if search else []) + [f"nameserver {ip}" for ip in servers]
        if options:
            lines.append("options " + " ".join(options))
        return "\n".join(lines) + "\n"
