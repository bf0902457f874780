"""docker login, the service's half: checks credentials against a registry.
The CLI keeps them (Docker's config.json) and sends them with each pull
and push; nothing is stored here."""
from common.errors import InvalidArgument
from common import reference
from services.images.registry import auth, hosts
from services.images.registry.client import RegistryClient


def domain_of(server: str) -> str:
    """A server as people write it (https://host/v1/, host:port, empty for
    Docker Hub) as a reference's domain."""
    text = server.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/", 1)[0]
    if not text or text in reference.LEGACY_DOMAINS or text in ("index.docker.io", hosts.DOCKER_HUB_HOST):
        return reference.DEFAULT_DOMAIN
    if not reference.DOMAIN_RE.match(text):
        raise InvalidArgument(f"invalid registry address {server!r}")
    return text


def login(reg, server: str, creds: auth.Credentials) -> str:
    if not creds:
        raise InvalidArgument("login needs a username (and a password or token)")
    domain = domain_of(server)
    RegistryClient(domain, creds, reg.policy).connect().login()
    return domain
