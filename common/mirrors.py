"""The registry-mirrors setting: NAME=URL pairs, comma-separated.

`doca daemon --registry-mirror registry.k8s.io=http://127.0.0.1:5310`
(the flag may be given several times, each value itself a comma-separated
list; or DOCA_REGISTRY_MIRRORS=NAME=URL,NAME=URL). NAME is a registry as
references name it (docker.io, registry.k8s.io, host:port); URL is the
endpoint that serves it instead, http:// or https:// (or a bare host[:port],
which is then spoken to as any registry: https, or plain http when it is an
insecure registry). The repository path is kept: registry.k8s.io/pause:3.9
is fetched as /v2/pause/manifests/3.9 from the mirror (containerd's
hosts.toml idea). A NAME given more than once has its mirrors tried in the
order given.

Parsed here, with no imports beyond the standard library's, so the daemon
can refuse a bad value in one line before anything starts and the images
service can use the same reading."""
import dataclasses
import re

DOCKER_HUB = "docker.io"
_HUB_ALIASES = ("index.docker.io", "registry-1.docker.io")
# host[:port]: a DNS name or IPv4 address, or [IPv6]; the port 1..65535.
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$")


class MirrorError(ValueError):
    """A value of the setting that cannot be used; the text is one line."""


@dataclasses.dataclass(frozen=True)
class Mirror:
    scheme: str    # "http", "https", or "" (found as for any registry)
    host: str      # host[:port] to connect to

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}" if self.scheme else self.host


def _hostport(text: str, entry: str) -> str:
    m = _HOST.match(text)
    if not m or (m.group(1) and not 0 < int(m.group(1)) < 65536):
        raise MirrorError(f"invalid registry mirror {entry!r}: {text!r} is not a host[:port]")
    return text.lower()


def _endpoint(text: str, entry: str) -> Mirror:
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    elif scheme.lower() not in ("http", "https"):
        raise MirrorError(f"invalid registry mirror {entry!r}: the URL's scheme must be http or https")
    rest = rest.rstrip("/")
    if "/" in rest or "?" in rest or "#" in rest or "@" in rest:
        raise MirrorError(f"invalid registry mirror {entry!r}: the URL must be scheme://host[:port], "
                          "without a path (the repository path is kept)")
    return Mirror(scheme.lower(), _hostport(rest, entry))


def parse(text: str) -> dict[str, tuple[Mirror, ...]]:
    """NAME -> its mirrors, in order. Raises MirrorError on a bad entry."""
    out: dict[str, list[Mirror]] = {}
    for entry in (e.strip() for e in (text or "").split(",")):
        if not entry:
            continue
        name, sep, url = entry.partition("=")
        name, url = name.strip(), url.strip()
        if not sep or not name or not url:
            raise MirrorError(f"invalid registry mirror {entry!r}: want NAME=URL "
                              "(e.g. registry.k8s.io=http://127.0.0.1:5000)")
        name = _hostport(name, entry)
        if name in _HUB_ALIASES:
            name = DOCKER_HUB
        mirror = _endpoint(url, entry)
        if mirror not in out.setdefault(name, []):
            out[name].append(mirror)
    return {name: tuple(ms) for name, ms in out.items()}


def join(values) -> str:
    """The setting from several flag values (each may hold several entries)."""
    if isinstance(values, str):
        return values
    return ",".join(v.strip() for v in values if v and v.strip())
