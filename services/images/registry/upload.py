"""One blob to a registry, sending only what it lacks (distribution spec,
"pushing blobs"):

1. HEAD the blob in the target repository: there already, nothing to send.
2. Known in another repository of the same registry (sources.py): ask for
   a cross-repository mount (POST ?mount=&from=); 201 means done. A 202
   opens an ordinary upload, which is then used.
3. Upload: monolithic (one PUT with the bytes and the digest) up to
   MONOLITHIC_MAX, chunked above (PATCH with Content-Range per chunk, each
   answer giving the next location, then a PUT with the digest).
The registry checks the digest on the final PUT."""
import urllib.parse

from common.errors import FailedPrecondition
from services.images import counters
from services.images.registry import auth
from services.images.registry.client import RegistryClient
from services.images.registry.errors import Corrupt

MONOLITHIC_MAX = 32 << 20
CHUNK = 32 << 20     # one PATCH
READ = 1 << 20       # what is read from disk and sent at a time
MOUNT_TRIES = 3


def _with_digest(location: str, digest: str) -> str:
    parts = urllib.parse.urlsplit(location)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + [("digest", digest)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def exists(client: RegistryClient, repo: str, digest: str) -> bool:
    r = client.request("HEAD", f"/v2/{repo}/blobs/{digest}", (auth.scope(repo, "pull,push"),))
    if r.status == 200:
        return True
    if r.status == 404:
        return False
    raise client.fail(r, f"blob {digest} in {repo}")


def start(client: RegistryClient, repo: str, digest: str, elsewhere: list[str]) -> tuple[str, str]:
    """("mounted", from_repo) or ("upload", location)."""
    scopes = (auth.scope(repo, "pull,push"),)
    for other in elsewhere[:MOUNT_TRIES]:
        query = urllib.parse.urlencode({"mount": digest, "from": other})
        r = client.request("POST", f"/v2/{repo}/blobs/uploads/?{query}", scopes + (auth.scope(other, "pull"),))
        if r.status == 201:
            return "mounted", other
        if r.status == 202 and r.headers.get("location"):
            return "upload", r.headers["location"]
        # 401/403/404: not readable there or gone; try the next or upload
    r = client.request("POST", f"/v2/{repo}/blobs/uploads/", scopes)
    if r.status != 202 or not r.headers.get("location"):
        raise client.fail(r, f"an upload to {repo}")
    return "upload", r.headers["location"]


def _reader(path: str, offset: int, length: int, on_bytes):
    """The file's bytes [offset, offset+length) in READ pieces."""
    def body():
        with open(path, "rb") as f:
            f.seek(offset)
            left = length
            while left:
                data = f.read(min(READ, left))
                if not data:
                    raise FailedPrecondition(f"{path} shrank while it was uploaded")
                left -= len(data)
                on_bytes(len(data))
                counters.add(counters.PUSHED_BYTES, len(data))
                yield data
    return body


def send(client: RegistryClient, repo: str, location: str, path: str, digest: str, size: int,
         on_bytes=lambda n: None, chunk: int = CHUNK, monolithic_max: int = MONOLITHIC_MAX) -> None:
    scopes = (auth.scope(repo, "pull,push"),)
    octets = {"Content-Type": "application/octet-stream"}
    if size <= monolithic_max:
        r = client.request("PUT", _with_digest(location, digest), scopes,
                           headers={**octets, "Content-Length": str(size)}, body=_reader(path, 0, size, on_bytes))
    else:
        offset = 0
        while offset < size:
            n = min(chunk, size - offset)
            r = client.request("PATCH", location, scopes, body=_reader(path, offset, n, on_bytes), headers={
                **octets, "Content-Length": str(n), "Content-Range": f"{offset}-{offset + n - 1}"})
            if r.status != 202 or not r.headers.get("location"):
                raise client.fail(r, f"blob {digest} (chunk at {offset}) to {repo}")
            location = r.headers["location"]
            offset += n
        r = client.request("PUT", _with_digest(location, digest), scopes, headers={"Content-Length": "0"})
    if r.status == 400 and b"DIGEST_INVALID" in r.body:
        raise Corrupt(f"registry {client.host} says blob {digest} does not match its digest: the local copy "
                      "is damaged; remove the image and pull or build it again")
    if r.status != 201:
        raise client.fail(r, f"blob {digest} to {repo}")
    said = r.headers.get("docker-content-digest")
    if said and said != digest:
        raise Corrupt(f"registry {client.host} stored blob {digest} as {said}")
