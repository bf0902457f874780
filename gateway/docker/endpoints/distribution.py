"""Registries: pull and import (POST /images/create), push, login (POST
/auth), onto doca.v1.Images' Pull, Import, Push and Login. Progress is
Docker's JSON-message stream; an error raised before any output is the
response's status (Docker's handlers answer so while nothing is flushed),
one raised later is an errorDetail line in the stream."""
import contextlib
import re

import grpc

from common import units
from doca.v1 import images_pb2 as pb
from gateway.docker import image_common as ic
from gateway.docker.errors import ApiError
from gateway.docker.http import Stream, json_response
from gateway.docker.router import route

BAR = 50


def _bar(current: int, total: int) -> str:
    """The `progress` text Docker's JSONProgress carries ("[===>   ] 1.2MB/3.4MB")."""
    if total <= 0:
        return ""
    filled = min(BAR, BAR * current // total)
    arrow = ">" if filled < BAR else ""
    return f"[{'=' * max(filled - len(arrow), 0) + arrow:<{BAR}}] {units.human_size(current):>8}/" \
           f"{units.human_size(total)}"


def _line(msg) -> bytes:
    """One TransferProgress as Docker's JSON message."""
    if not msg.id:
        return ic.message(status=msg.status)
    if msg.status.startswith("Pulling from "):  # an image line, not a layer's: no progressDetail
        return ic.message(status=msg.status, id=msg.id)
    detail = {"current": msg.current, "total": msg.total} if msg.total > 0 else {}
    fields = {"status": msg.status, "progressDetail": detail}
    if detail:
        fields["progress"] = _bar(msg.current, msg.total)
    fields["id"] = msg.id
    return ic.message(**fields)


def _relay(call, rest, last_lines, failed=None):
    """The stream's lines; the last message (the result) as `last_lines` makes it;
    an error after the head as Docker's errorDetail line (noted in `failed`)."""
    try:
        for msg in rest:
            if msg.image_id or msg.reference:
                yield from last_lines(msg)
            else:
                yield _line(msg)
    except grpc.RpcError as e:
        if failed is not None:
            failed.append(e)
        if e.code() != grpc.StatusCode.CANCELLED:
            yield ic.error_message(ic.rpc_message(e))
    finally:
        call.cancel()


@route("POST", "/images/create")
def create(req, backend):
    q = req.query
    if q.get("fromSrc"):
        return _import(req, backend)
    image = q.get("fromImage")
    if not image:
        raise ApiError(400, "fromImage or fromSrc is required")
    ic.check_platform(req, "pulls")
    tag = q.get("tag")
    if tag:  # it replaces a tag fromImage has (Docker's WithTag on the name); a digest (sha256:...) or a tag
        image = ic.name_only(image) + ("@" if ":" in tag else ":") + tag
    elif not _has_tag_or_digest(image):
        raise ApiError(400, f"pulling every tag of {image} is not supported: name the tag (tag=latest)")
    call = backend.images.Pull(pb.PullRequest(reference=image, auth=ic.registry_auth(req)))
    # "Pulling from" comes before the manifest is read: held until what follows
    # it, so a missing image or tag is a 404 before the stream, as Docker's.
    with _registry_refusals():
        rest = ic.first_then_rest(call, hold=lambda m: m.status.startswith("Pulling from "))

    def last(msg):
        yield ic.message(status=f"Digest: {msg.digest}")
        yield ic.message(status=f"Status: {msg.status}")
    return Stream(_relay(call, rest, last), "application/json", on_close=call.cancel)


@contextlib.contextmanager
def _registry_refusals():
    """A registry refusing a pull or push for want of credentials, or not
    answering, is a 500 as Docker's daemon answers both ("no basic auth
    credentials", "dial tcp ...: connection refused"): not a 401, on which
    docker's CLI prompts for a login instead of saying the error, nor the
    503 that means doca itself is not answering."""
    try:
        yield
    except grpc.RpcError as e:
        unreachable = e.code() == grpc.StatusCode.UNAVAILABLE and (e.details() or "").startswith("registry ")
        if e.code() == grpc.StatusCode.UNAUTHENTICATED or unreachable:
            raise ApiError(500, e.details() or "unauthorized") from None
        raise


def _has_tag_or_digest(image: str) -> bool:
    name = image.split("@", 1)
    if len(name) == 2:
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last


def _import(req, backend):
    """POST /images/create?fromSrc=-: the body is a root filesystem tar."""
    q = req.query
    if q.get("fromSrc") != "-":
        raise ApiError(400, "fromSrc: doca imports from the request body alone (fromSrc=-), not from a URL")
    ic.check_platform(req, "imports")
    repo, tag = q.get("repo"), q.get("tag")
    reference = f"{ic.name_only(repo)}:{tag}" if repo and tag else repo
    f = ic.spool(req)

    def chunks():
        yield pb.ImportChunk(header=pb.ImportChunk.Header(
            reference=reference, message=q.get("message"), changes=[c for c in q.all("changes") if c]))
        for data in ic.chunks_of(f):
            yield pb.ImportChunk(data=data)
    img = backend.images.Import(chunks())
    return Stream(iter([ic.message(status=img.id)]), "application/json")


@route("POST", "/images/{name:.*}/push")
def push(req, backend):
    name, tag = req.params["name"], req.query.get("tag")
    ic.check_platform(req, "pushes")
    auth = ic.registry_auth(req)
    if tag:
        references = [f"{ic.name_only(name)}:{tag}"]
    elif _has_tag_or_digest(name):
        references = [name]
    else:  # no tag: every local tag of the repository, in turn, as Docker's daemon pushes them
        references = _local_tags(backend, name)
        if not references:
            return Stream(iter([ic.message(status=f"The push refers to repository [{_repository(name)}]"),
                                ic.error_message(f"An image does not exist locally with the tag: {name}")]),
                          "application/json")
    call = backend.images.Push(pb.PushRequest(reference=references[0], auth=auth))
    try:
        with _registry_refusals():
            rest = ic.first_then_rest(call)
    except grpc.RpcError as e:
        if not (e.details() or "").startswith("An image does not exist locally"):
            raise
        # Docker's daemon says which repository first, then the error, in the stream
        return Stream(iter([ic.message(status=f"The push refers to repository [{_repository(name)}]"),
                            ic.error_message(e.details())]), "application/json")
    calls = [call]

    def last(msg):
        yield ic.message(status=msg.status)
        size = re.search(r" size: (\d+)$", msg.status)
        aux = {"Tag": msg.reference.rsplit(":", 1)[-1], "Digest": msg.digest, "Size": int(size.group(1)) if size else 0}
        yield ic.message(progressDetail={}, aux=aux)

    def every():
        for i, ref in enumerate(references):
            if i:
                calls.append(backend.images.Push(pb.PushRequest(reference=ref, auth=auth)))
                failed = []
                for line in _relay(calls[-1], calls[-1], last, failed):
                    if not line.startswith(b'{"status":"The push refers to repository'):  # said once
                        yield line
                if failed:
                    return
            else:
                failed = []
                yield from _relay(call, rest, last, failed)
                if failed:
                    return
    return Stream(every(), "application/json", on_close=lambda: calls[-1].cancel())


def _local_tags(backend, name: str) -> list[str]:
    from common import reference
    try:
        want = reference.parse(name).full_name
    except Exception:  # noqa: BLE001 - the engine's error says why
        return [name]
    out = set()
    for img in backend.images.List(pb.ListImagesRequest()).images:
        for t in img.repo_tags:
            try:
                if reference.parse(t).full_name == want:
                    out.add(t)
            except Exception:  # noqa: BLE001 - a tag that does not parse is not this repository's
                continue
    return sorted(out)


def _repository(name: str) -> str:
    from common import reference
    try:
        return reference.parse(name).full_name
    except Exception:  # noqa: BLE001 - an unparsable name: as given
        return name


@route("POST", "/auth")
def auth(req, backend):
    doc = req.json(default={})
    if not isinstance(doc, dict):
        raise ApiError(400, "the body must be an AuthConfig object")
    server = str(doc.get("serveraddress") or "")
    # Docker Hub's addresses as clients send them
    if server.rstrip("/") in ("https://index.docker.io/v1", "index.docker.io", "docker.io"):
        server = ""
    server = re.sub(r"^https?://", "", server).rstrip("/")
    try:
        r = backend.images.Login(pb.LoginRequest(server=server, auth=ic.auth_of(doc)))
    except grpc.RpcError as e:  # a registry not answering: 500, as Docker's (bad credentials stay a 401)
        if e.code() == grpc.StatusCode.UNAVAILABLE and (e.details() or "").startswith("registry "):
            raise ApiError(500, e.details()) from None
        raise
    return json_response({"IdentityToken": "", "Status": r.status or "Login Succeeded"})
