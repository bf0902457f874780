"""What a network request names, checked at the servicer's door: the
words that land in a container's /etc/hosts, /etc/hostname and
/etc/resolv.conf (one word each: a newline would add lines there) and the
ports kept in its sandbox record. Container ids, which name files, are
checked below any servicer (sandboxes.check_id)."""
import re

from common import validate
from common.errors import InvalidArgument


def network_ref(ref: str) -> str:
    """A network's name, id or id prefix: only looked up."""
    return validate.ref(ref, "network")


def exposed_port(key: str) -> str:
    """"80/tcp": kept in the sandbox record and shown by ps."""
    port, slash, proto = key.partition("/")
    if not (validate.digits(port) and 1 <= int(port) <= 65535 and slash and proto in ("tcp", "udp")):
        raise InvalidArgument(f"invalid exposed port {validate.shown(key)}: PORT/tcp or PORT/udp, PORT 1 to 65535")
    return key


def prepare_names(request) -> None:
    """What Prepare writes into the container's /etc/hosts, /etc/hostname and
    /etc/resolv.conf: one word each, or a newline would add lines there."""
    if request.hostname:
        validate.hostname(request.hostname)
    for h in request.extra_hosts:
        validate.hostname(h.name, "--add-host name")
    for domain in request.dns_search:
        validate.word(domain, "--dns-search domain")
    for option in request.dns_options:
        validate.word(option, "--dns-option")
    for key in request.exposed:
        exposed_port(key)


def mac_address(text: str) -> str:
    """Attach's mac_address: '' or aa:bb:cc:dd:ee:ff (the gateway's form);
    a unicast one, as the kernel takes for an interface."""
    if not text:
        return ""
    if not re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", text) or int(text[:2], 16) & 1:
        raise InvalidArgument(f"invalid mac_address {text[:40]!r}: a unicast aa:bb:cc:dd:ee:ff is required")
    return text
