"""Image references: Docker's grammar and normalisation, in one place.

    reference  := name [":" tag] ["@" digest]
    name       := [domain "/"] path-component ("/" path-component)*
    domain     := host [":" port]      (has a "." or ":", or is "localhost")
    component  := [a-z0-9]+ (([._]|__|-+) [a-z0-9]+)*
    tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    digest     := "sha256:" 64 lowercase hex digits

A reference without a domain lives on docker.io, and a one-component name
there is under library/: "busybox" is "docker.io/library/busybox:latest".
People see (and tags are stored under) the familiar form: "busybox:latest",
"localhost:5000/app:1". `full_name` is what a registry client will use.
"""
import dataclasses
import re

from common.errors import InvalidArgument

DEFAULT_DOMAIN = "docker.io"
LEGACY_DOMAINS = ("index.docker.io", "registry-1.docker.io")
OFFICIAL_PREFIX = "library/"
DEFAULT_TAG = "latest"
NAME_TOTAL_MAX = 255

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])"
DOMAIN_RE = re.compile(rf"^{_HOST}(?::[0-9]+)?$")
PATH_RE = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$", re.ASCII)
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
ID_RE = re.compile(r"^(?:sha256:)?[0-9a-f]{64}$")
ID_PREFIX_RE = re.compile(r"^(?:sha256:)?[0-9a-f]{4,64}$")
MIN_ID_PREFIX = 4


@dataclasses.dataclass(frozen=True)
class Reference:
    domain: str
    path: str
    tag: str | None = None
    digest: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.domain}/{self.path}"

    @property
    def name(self) -> str:
        """The familiar name: docker.io and library/ left out."""
        if self.domain != DEFAULT_DOMAIN:
            return self.full_name
        if self.path.startswith(OFFICIAL_PREFIX) and "/" not in self.path[len(OFFICIAL_PREFIX):]:
            return self.path[len(OFFICIAL_PREFIX):]
        return self.path

    def _suffixed(self, name: str) -> str:
        out = name
        if self.tag:
            out += ":" + self.tag
        if self.digest:
            out += "@" + self.digest
        return out

    def __str__(self) -> str:
        return self._suffixed(self.name)

    @property
    def qualified(self) -> str:
        """As the registry names it: docker.io/library/ kept (the CRI's form)."""
        return self._suffixed(self.full_name)

    def with_tag(self, tag: str) -> "Reference":
        return dataclasses.replace(self, tag=tag, digest=None)


def _invalid(text: str, why: str) -> InvalidArgument:
    """Docker's words (distribution/reference), then which text and why, when Docker says no more."""
    if why == "repository name must be lowercase":
        return InvalidArgument(f"invalid reference format: {why}")
    return InvalidArgument(f"invalid reference format ({text!r}: {why})")


def parse(text: str, default_tag: str | None = DEFAULT_TAG) -> Reference:
    """Parses and normalises a reference. Without a tag or digest it gets
    default_tag ("busybox" -> "busybox:latest")."""
    if not text:
        raise _invalid(text, "empty reference")
    rest, digest = text, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not DIGEST_RE.fullmatch(digest):
            raise _invalid(text, "the digest must be sha256: and 64 lowercase hex digits")
    tag = None
    # A ":" after the last "/" starts the tag; one before it is a port.
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1:]
        if not TAG_RE.fullmatch(tag):
            raise _invalid(text, "a tag is up to 128 letters, digits, '_', '.' or '-', "
                                 "not starting with '.' or '-'")
    if ID_RE.fullmatch(rest):
        raise _invalid(text, "a repository name cannot be a 64-character hexadecimal string "
                             "(that is an image id)")
    domain, path = _split_domain(rest)
    if not DOMAIN_RE.fullmatch(domain):
        raise _invalid(text, f"bad registry host {domain!r}")
    if not PATH_RE.fullmatch(path):
        if path.lower() != path:
            raise _invalid(text, "repository name must be lowercase")
        raise _invalid(text, "a repository name is lowercase letters and digits, "
                             "separated by '/', '.', '_', '__' or '-'")
    if len(domain) + 1 + len(path) > NAME_TOTAL_MAX:
        raise _invalid(text, f"repository name longer than {NAME_TOTAL_MAX} characters")
    if tag is None and digest is None:
        tag = default_tag
    return Reference(domain=domain, path=path, tag=tag, digest=digest)


def _split_domain(name: str) -> tuple[str, str]:
    first, sep, remainder = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        domain, path = first, remainder
    else:
        domain, path = DEFAULT_DOMAIN, name
    if domain in LEGACY_DOMAINS:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = OFFICIAL_PREFIX + path
    return domain, path


def looks_like_id(text: str) -> bool:
    """A full id, with or without "sha256:"."""
    return bool(ID_RE.fullmatch(text))


def looks_like_id_prefix(text: str) -> bool:
    """Hex long enough to be taken as an id prefix (as Docker: at least 4)."""
    return bool(ID_PREFIX_RE.fullmatch(text))


def id_hex(text: str) -> str:
    return text[len("sha256:"):] if text.startswith("sha256:") else text
