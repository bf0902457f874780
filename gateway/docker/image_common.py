"""What the image endpoints share: Docker's JSON-message stream (progress,
errors in the stream), the registry auth headers, request bodies spooled
before they go upstream, and the peek that turns an error raised before any
output into an HTTP status, as Docker's handlers do (they answer with a
status while nothing has been flushed)."""
import base64
import json
import tempfile

import grpc

from doca.v1 import images_pb2 as pb
from gateway.docker.errors import ApiError, from_rpc

CHUNK = 1 << 20
# Bodies up to this size stay in memory while they are spooled.
SPOOL_IN_MEMORY = 8 << 20


def message(**fields) -> bytes:
    """One line of Docker's JSON stream (jsonmessage.JSONMessage)."""
    return (json.dumps(fields, separators=(",", ":")) + "\r\n").encode()


def error_message(text: str) -> bytes:
    """An error after the stream began: Docker's errorDetail line."""
    return message(errorDetail={"message": text}, error=text)


def rpc_message(err: grpc.RpcError) -> str:
    return from_rpc(err).message


def _b64json(value: str, header: str):
    value = value.strip()
    if not value:
        return None
    raw = None
    for decode in (base64.urlsafe_b64decode, base64.standard_b64decode):
        try:  # clients send it with or without padding, URL-safe or not
            raw = decode(value + "=" * (-len(value) % 4))
            break
        except (ValueError, TypeError):
            continue
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return None


def auth_of(doc) -> pb.RegistryAuth:
    """An AuthConfig (username, password, identitytoken; registrytoken is a
    bearer token doca's client cannot use as such) as doca.v1's."""
    if not isinstance(doc, dict):
        return pb.RegistryAuth()
    if doc.get("registrytoken"):
        raise ApiError(400, "registrytoken auth is not supported: send username and password or identitytoken")
    return pb.RegistryAuth(username=str(doc.get("username") or ""), password=str(doc.get("password") or ""),
                           identity_token=str(doc.get("identitytoken") or ""))


def registry_auth(req) -> pb.RegistryAuth:
    """X-Registry-Auth: base64 JSON AuthConfig; a header that does not decode
    is taken as no credentials (Docker's daemon does the same)."""
    return auth_of(_b64json(req.headers.get("x-registry-auth", ""), "X-Registry-Auth"))


def registry_config(req) -> dict:
    """X-Registry-Config (build): base64 JSON {server: AuthConfig}."""
    doc = _b64json(req.headers.get("x-registry-config", ""), "X-Registry-Config")
    return doc if isinstance(doc, dict) else {}


def check_platform(req, doing: str) -> None:
    """`platform` ("os/arch[/variant]", or from 1.46 an OCI platform as JSON
    for push, save, load, inspect, history and DELETE's `platforms`): doca
    keeps linux/amd64 images alone, so any other is refused, not ignored."""
    for value in req.query.all("platform") + req.query.all("platforms"):  # platforms: DELETE (1.50)
        _check_one_platform(value.strip(), doing)


def _check_one_platform(value: str, doing: str) -> None:
    if not value:
        return
    if value.startswith("{"):
        try:
            doc = json.loads(value)
        except ValueError:
            raise ApiError(400, f"invalid platform parameter: {value}") from None
        parts = [str(doc.get("os", "")), str(doc.get("architecture", ""))] if isinstance(doc, dict) else []
    else:
        parts = value.lower().split("/")[:2]
    if parts != ["linux", "amd64"]:
        raise ApiError(400, f"platform {value}: doca {doing} linux/amd64 images alone")


def name_only(image: str) -> str:
    """NAME of NAME[:TAG][@DIGEST]: a `tag` parameter replaces the name's own
    (Docker's reference.WithTag on the name)."""
    image = image.split("@", 1)[0]
    head, _, last = image.rpartition("/")
    return (head + "/" if head else "") + last.split(":", 1)[0]


def spool(req):
    """The request body read whole into a temporary file (memory up to
    SPOOL_IN_MEMORY): the body is off the connection before the upstream
    call starts, so nothing reads the socket while the answer is written."""
    f = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    for chunk in req.body_chunks():
        f.write(chunk)
    f.seek(0)
    return f


# A build context may come compressed (docker build --compress: gzip); the
# API takes identity, gzip, bzip2 and xz, as Docker's daemon detects them.
COMPRESSIONS = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "lzma"))


def plain_tar(f):
    """`f` itself when it is not compressed, else a new spooled file with the
    decompressed bytes (the builder reads a plain tar)."""
    import importlib
    f.seek(0)
    magic = f.read(6)
    f.seek(0)
    for prefix, module in COMPRESSIONS:
        if magic.startswith(prefix):
            out = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
            try:
                with importlib.import_module(module).open(f, "rb") as z:
                    while data := z.read(CHUNK):
                        out.write(data)
            except (OSError, EOFError, ValueError) as e:
                raise ApiError(400, f"the build context does not decompress ({module}): {e}") from None
            f.close()
            out.seek(0)
            return out
    return f


def end_tar(f) -> None:
    """Docker's CLI sends a build context whose Dockerfile came from outside
    it (-f elsewhere, `build - < Dockerfile`) as a tar cut after the last
    member's data: no padding, no end-of-archive blocks (Go's tar stream not
    closed). Docker's daemon reads it; it is ended here so that every tar
    reader does. An uncompressed tar only (ustar magic); zero blocks after a
    complete archive are ignored by readers."""
    f.seek(0)
    head = f.read(512)
    f.seek(0, 2)
    size = f.tell()
    if len(head) == 512 and head[257:262] == b"ustar":
        f.write(b"\0" * ((-size) % 512 + 1024))
    f.seek(0)


def chunks_of(f):
    with f:
        while data := f.read(CHUNK):
            yield data


def first_then_rest(call, hold=lambda msg: False):
    """Reads a server stream's first message now, so that an error raised
    before any output becomes the handler's error (an HTTP status); `hold`
    says which leading messages are only said once what follows them came
    (pull's "Pulling from", which Docker writes after the manifest)."""
    held = []
    it = iter(call)
    try:
        while True:
            msg = next(it)
            held.append(msg)
            if not hold(msg):
                break
    except StopIteration:
        pass
    except grpc.RpcError:
        call.cancel()
        raise

    def rest():
        yield from held
        yield from it
    return rest()
