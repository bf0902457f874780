"""--network host: the container's /etc/hosts and /etc/resolv.conf as
Docker's libnetwork makes them for a sandbox in the host's namespace: the
host's files copied as they are (the container resolves as the host does;
its loopback nameservers are reachable there), unless --add-host or
--dns/--dns-search/--dns-option are given: then hosts is Docker's standard
file and the extra lines, and resolv.conf is built as for a bridge."""
from services.network import hostsfile, resolvconf

HOSTS_FILE = "/etc/hosts"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def hosts(extra: list[tuple[str, str]]) -> str:
    if extra:
        return hostsfile.render([(ip, [name]) for name, ip in extra], [])
    return _read(HOSTS_FILE)


def resolv_conf(resolver: resolvconf.Resolver) -> str:
    if resolver.servers or resolver.search or resolver.options:
        return resolver.file()
    return _read(resolvconf.HOST_FILE)
