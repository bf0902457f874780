"""A container's /etc/resolv.conf, as Docker makes it for a bridge network:
the host's, without the nameservers a container cannot reach (loopback
ones: 127.0.0.0/8, ::1), and Google's public ones when none is left. Search
domains and options are kept."""
import ipaddress

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
