"""One session with a registry (a pull or a push): picks https or plain http,
learns how the registry authenticates from its /v2/ answer, sends each
request with the right Authorization for its scope (a token expired on the
way is fetched again once), and turns every failure into a domain error
that names the registry.

HTTP is urllib3's: pooled keep-alive connections, shared by every session
of the process, TLS checked against the system CAs."""
import dataclasses
import logging
import threading

import urllib3
from urllib3.exceptions import (HTTPError, MaxRetryError, NewConnectionError, ProtocolError,
                                SSLError, TimeoutError as U3Timeout)

from common.errors import DocaError, FailedPrecondition, NotFound, ResourceExhausted, Unavailable
from services.images.registry import auth, hosts
from services.images.registry.errors import Denied, Unauthorized, registry_message

log = logging.getLogger("doca.images.registry")

SMALL_LIMIT = 8 << 20  # manifests, tokens, error bodies: never more than this is read
TIMEOUT = urllib3.Timeout(connect=10, read=60)
USER_AGENT = "doca/0.1 (OCI distribution client)"
_RETRY = urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5,
                       raise_on_redirect=True, raise_on_status=False)
_POOLS = {
    True: urllib3.PoolManager(num_pools=32, maxsize=8, timeout=TIMEOUT, retries=_RETRY),
    False: urllib3.PoolManager(num_pools=32, maxsize=8, timeout=TIMEOUT, retries=_RETRY,
                               cert_reqs="CERT_NONE", assert_hostname=False),
}
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # insecure registries are chosen
_schemes: dict[str, str] = {}   # host -> "https" | "http", as found by a ping
_schemes_lock = threading.Lock()


@dataclasses.dataclass
class Response:
    status: int
    headers: dict
    body: bytes


def transport_error(exc: Exception, host: str) -> DocaError:
    """A connection-level failure as the error a person can act on."""
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, SSLError) or isinstance(exc, SSLError):
        text = str(reason)
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return FailedPrecondition(
                f"the TLS certificate of registry {host} is not trusted ({text.split(':')[-1].strip()}): "
                f"add its CA to the system's, or list {host} in {hosts.ENV}")
        return Unavailable(f"registry {host}: TLS failed: {text}")
    if isinstance(reason, NewConnectionError):
        cause = str(reason).rsplit("] ", 1)[-1] if "]" in str(reason) else str(reason)
        if cause.endswith(")") and "(" not in cause:  # "... ([Errno -2] Name or service not known)"
            cause = cause[:-1]
        return Unavailable(f"registry {host} is unreachable: {cause.strip()}")
    if isinstance(reason, U3Timeout):
        return Unavailable(f"registry {host} did not answer in time")
    return Unavailable(f"registry {host}: connection failed: {reason}")


class RegistryClient:
    def __init__(self, domain: str, creds: auth.Credentials | None = None,
                 policy: hosts.InsecurePolicy | None = None, mirror=None):
        """mirror (common.mirrors.Mirror): speak to that endpoint instead of
        the domain's server, with its scheme when it names one; paths and
        credentials stay the reference's."""
        self.domain = domain
        self.host = mirror.host if mirror else hosts.server(domain)
        self.scheme = mirror.scheme if mirror else ""
        self.creds = creds or auth.Credentials()
        self.insecure = (policy or hosts.InsecurePolicy()).allows(self.host)
        self.pool = _POOLS[not self.insecure]
        self.base = ""
        self.auth: auth.Authorizer | None = None

    # -- connecting -------------------------------------------------------
    def connect(self) -> "RegistryClient":
        """GET /v2/: which scheme answers and how it wants credentials."""
        schemes = [self.scheme] if self.scheme else ["https"] + (["http"] if self.insecure else [])
        known = _schemes.get(self.host)
        if known in schemes:
            schemes.remove(known)
            schemes.insert(0, known)
        last: Exception | None = None
        for scheme in schemes:
            try:
                r = self._raw("GET", f"{scheme}://{self.host}/v2/", {}, None)
            except (SSLError, ProtocolError) as exc:
                last = exc
                continue
            except MaxRetryError as exc:
                if isinstance(exc.reason, (SSLError, ProtocolError)):
                    last = exc
                    continue
                raise transport_error(exc, self.host) from None
            except HTTPError as exc:
                raise transport_error(exc, self.host) from None
            with _schemes_lock:
                _schemes[self.host] = scheme
            self.base = f"{scheme}://{self.host}"
            challenge = None
            if r.status == 401:
                challenge = auth.pick(auth.parse_challenges(r.headers.get("www-authenticate", "")))
                if challenge is None:
                    raise Unauthorized(f"unauthorized: {self.host} asks for an authentication doca does not speak")
            elif r.status != 200 and r.status != 404:
                raise Unavailable(f"registry {self.host} answered {r.status} to /v2/: is it a registry?")
            self.auth = auth.Authorizer(challenge, self.creds, self._raw_tuple, self.host)
            return self
        raise transport_error(last, self.host) if last else Unavailable(f"registry {self.host} is unreachable")

    def login(self) -> None:
        """Checks the credentials: a token without scope, or /v2/ with basic auth."""
        if self.auth.challenge is None:
            return  # an open registry takes anyone
        header = self.auth.header((), fresh=True)
        r = self._raw("GET", self.base + "/v2/", {"Authorization": header}, None)
        if r.status == 401:
            raise Unauthorized(f"unauthorized: incorrect username or password for {self.host}")

    # -- requests ---------------------------------------------------------
    def _raw(self, method, url, headers, body, stream=False):
        headers = {"User-Agent": USER_AGENT, **headers}
        resp = self.pool.request(method, url, headers=headers, body=body, preload_content=False,
                                 redirect=True)
        if stream:
            return resp
        try:
            data = _read_small(resp)
        finally:
            resp.release_conn()
        return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, data)

    def _raw_tuple(self, method, url, headers, body):
        try:
            r = self._raw(method, url, headers, body)
        except HTTPError as exc:
            raise transport_error(exc, self.host) from None
        return r.status, r.headers, r.body

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base + path

    def request(self, method: str, path: str, scopes: tuple[str, ...], *, headers=None, body=None,
                stream: bool = False):
        """Sends with auth. `body`: bytes, None, or a function giving a fresh
        body (a file) for each try. Returns a Response, or the open urllib3
        response when stream (a 2xx one; the caller releases it)."""
        for attempt in (0, 1):
            hdrs = dict(headers or {})
            header = self.auth.header(scopes, fresh=attempt == 1)
            if header:
                hdrs["Authorization"] = header
            data = body() if callable(body) else body
            try:
                resp = self._raw(method, self.url(path), hdrs, data, stream=stream)
            except HTTPError as exc:
                raise transport_error(exc, self.host) from None
            status = resp.status
            if status != 401 or attempt == 1 or self.auth.challenge is None or \
                    self.auth.challenge.scheme != "bearer":
                break
            if stream:
                _discard(resp)
        if stream and status >= 300:
            body_bytes = _read_small(resp)
            _discard(resp)
            resp = Response(status, {k.lower(): v for k, v in resp.headers.items()}, body_bytes)
        return resp

    def fail(self, resp: Response, what: str) -> DocaError:
        """The error for an unexpected answer about `what` (a reference, a blob)."""
        said = registry_message(resp.body)
        detail = f": {said}" if said else ""
        if resp.status == 401:
            if self.creds:
                return Unauthorized(f"unauthorized: incorrect username or password for {self.host}{detail}")
            return Unauthorized(f"unauthorized: {what} on {self.host} requires credentials "
                                f"(doca login {self.host}){detail}")
        if resp.status == 403:
            return Denied(f"denied: no access to {what} on {self.host}{detail}")
        if resp.status == 404:
            return NotFound(f"{what} not found on {self.host}{detail}")
        if resp.status == 429:
            return ResourceExhausted(f"toomanyrequests: registry {self.host} asks to slow down{detail}")
        if resp.status >= 500:
            return Unavailable(f"registry {self.host} failed ({resp.status}) on {what}{detail}")
        return FailedPrecondition(f"registry {self.host} answered {resp.status} on {what}{detail}")


def _read_small(resp) -> bytes:
    chunks, size = [], 0
    while size <= SMALL_LIMIT:
        data = resp.read(1 << 16)
        if not data:
            break
        chunks.append(data)
        size += len(data)
    if size > SMALL_LIMIT:
        raise ResourceExhausted(f"a registry answer is larger than {SMALL_LIMIT >> 20} MiB: refused")
    return b"".join(chunks)


def _discard(resp) -> None:
    try:
        resp.drain_conn()
    except HTTPError:
        pass
    resp.release_conn()
