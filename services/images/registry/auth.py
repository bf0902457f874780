"""Registry authentication: the WWW-Authenticate challenge of a registry's
/v2/ (RFC 7235), bearer tokens from the realm it names (Docker's token
protocol: GET with basic auth, or the OAuth2 POST for an identity token),
and basic auth.

Credentials come with each request from the CLI, which keeps them in
Docker's config.json (the service stores none)."""
import base64
import dataclasses
import json
import re
import time
import urllib.parse

from services.images.registry.errors import Unauthorized

CLIENT_ID = "doca"
# A token without expires_in lasts 60 s by the spec; refresh a little early.
DEFAULT_TOKEN_LIFE = 60
EARLY = 10


@dataclasses.dataclass(frozen=True)
class Credentials:
    username: str = ""
    password: str = ""
    identity_token: str = ""   # an OAuth2 refresh token (docker login with a token)

    def __bool__(self) -> bool:
        return bool(self.username or self.identity_token)

    def basic(self) -> str:
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode()


@dataclasses.dataclass
class Challenge:
    scheme: str            # "bearer" or "basic", lower case
    params: dict


_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM_RE = re.compile(rf'\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{_TOKEN})\s*,?')
_SCHEME_RE = re.compile(rf"\s*({_TOKEN})(?:\s+|$)")


def parse_challenges(header: str) -> list[Challenge]:
    """`Bearer realm="...",service="...",scope="..."` (several challenges
    may share one header, each starting with its scheme)."""
    out: list[Challenge] = []
    pos = 0
    while pos < len(header):
        if header[pos] in ", ":
            pos += 1
            continue
        m = _SCHEME_RE.match(header, pos)
        if not m:
            break
        scheme, pos = m.group(1).lower(), m.end()
        params = {}
        while (p := _PARAM_RE.match(header, pos)) is not None:
            value = p.group(2)
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            params[p.group(1).lower()] = value
            pos = p.end()
        out.append(Challenge(scheme, params))
    return out


def pick(challenges: list[Challenge]) -> Challenge | None:
    """Bearer if offered (what registries mean first), else basic."""
    for scheme in ("bearer", "basic"):
        for c in challenges:
            if c.scheme == scheme:
                return c
    return None


def scope(repository: str, actions: str) -> str:
    return f"repository:{repository}:{actions}"


class Authorizer:
    """The Authorization header for each scope, from one challenge: tokens
    are fetched once per scope set and reused until they expire."""

    def __init__(self, challenge: Challenge | None, creds: Credentials, http, host: str):
        self.challenge = challenge
        self.creds = creds
        self.http = http          # (method, url, headers, fields) -> (status, headers, body)
        self.host = host
        self._tokens: dict[tuple, tuple[str, float]] = {}

    def header(self, scopes: tuple[str, ...], fresh: bool = False) -> str | None:
        c = self.challenge
        if c is None:
            return None
        if c.scheme == "basic":
            if not self.creds:
                raise Unauthorized(f"unauthorized: {self.host} requires credentials: doca login {self.host}")
            return self.creds.basic()
        token, expires = self._tokens.get(scopes, ("", 0.0))
        if fresh or not token or time.monotonic() > expires:
            token, life = self._fetch(scopes)
            self._tokens[scopes] = (token, time.monotonic() + max(life - EARLY, 1))
        return "Bearer " + token

    def _fetch(self, scopes: tuple[str, ...]) -> tuple[str, int]:
        realm = self.challenge.params.get("realm", "")
        if not realm.startswith(("http://", "https://")):
            raise Unauthorized(f"unauthorized: {self.host} asks for a token from an invalid realm {realm!r}")
        service = self.challenge.params.get("service", "")
        if self.creds.identity_token:
            fields = {"grant_type": "refresh_token", "refresh_token": self.creds.identity_token,
                      "client_id": CLIENT_ID, "service": service, "scope": " ".join(scopes)}
            status, _, body = self.http("POST", realm, {"Content-Type": "application/x-www-form-urlencoded"},
                                        urllib.parse.urlencode(fields).encode())
        else:
            query = [("service", service)] if service else []
            query += [("scope", s) for s in scopes]
            if self.creds.username:
                query.append(("account", self.creds.username))
            sep = "&" if "?" in realm else "?"
            headers = {"Authorization": self.creds.basic()} if self.creds else {}
            status, _, body = self.http("GET", realm + sep + urllib.parse.urlencode(query), headers, None)
        if status in (401, 403):
            raise Unauthorized(f"unauthorized: incorrect username or password for {self.host}"
                               if self.creds else f"unauthorized: {self.host} requires credentials: "
                               f"doca login {self.host}")
        if status != 200:
            raise Unauthorized(f"unauthorized: the token server of {self.host} answered {status}")
        try:
            doc = json.loads(body)
            token = doc.get("token") or doc.get("access_token")
            life = int(doc.get("expires_in") or DEFAULT_TOKEN_LIFE)
        except (ValueError, AttributeError, TypeError):
            token = None
        if not token or not isinstance(token, str):
            raise Unauthorized(f"unauthorized: the token server of {self.host} sent no token")
        return token, life
