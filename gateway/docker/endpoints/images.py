"""Images: list, inspect, history, tag, remove, search, save (get), load,
prune, import (create?fromSrc=-) and commit, each onto doca.v1.Images.
Pull and push are in distribution.py, build in build.py."""
from google.protobuf import timestamp_pb2

from doca.v1 import images_pb2 as pb
from gateway.docker import filters
from gateway.docker import commit_config, image_common as ic, image_document
from gateway.docker.documents import from_struct
from gateway.docker.errors import ApiError
from gateway.docker.http import Response, Stream, json_response
from gateway.docker.router import route


def _seconds(ts: timestamp_pb2.Timestamp) -> int:
    return int(ts.seconds)


def filters_of(req) -> list[str]:
    """The `filters` JSON as doca.v1's KEY=VALUE items (400 when it does not parse)."""
    return filters.items(req)


def _summary(img, req, usage) -> dict:
    new = req.version_at_least("1.43")  # 1.43: lists always, no <none> placeholders (moby#45068)
    tags, digests = list(img.repo_tags), list(img.repo_digests)
    if not new and not tags:  # a dangling image, as Docker before 24 lists it
        tags, digests = ["<none>:<none>"], digests or ["<none>@<none>"]
    out = {
        "Containers": usage[img.id].containers if usage is not None and img.id in usage else -1,
        "Created": _seconds(img.created), "Id": img.id, "Labels": dict(img.labels) or None,
        "ParentId": img.parent_id, "RepoDigests": digests if (digests or new) else None,
        "RepoTags": tags if (tags or new) else None,
        "SharedSize": usage[img.id].shared_size if usage is not None and img.id in usage else -1,
        "Size": img.size,
    }
    if not req.version_at_least("1.44"):  # removed in 1.44
        out["VirtualSize"] = img.size
    return out


@route("GET", "/images/json")
def list_images(req, backend):
    items = filters_of(req)
    if req.query.get("filter"):  # the old single reference filter (removed in 1.41, still sent by old clients)
        items.append(f"reference={req.query.get('filter')}")
    r = backend.images.List(pb.ListImagesRequest(all=req.query.bool("all"), filters=items))
    usage = None
    if req.query.bool("shared-size") and req.version_at_least("1.42"):
        usage = {u.id: u for u in backend.images.DiskUsage(pb.DiskUsageRequest()).images}
    return json_response([_summary(img, req, usage) for img in r.images])


@route("GET", "/images/search")
def search(req, backend):
    # doca reads no registry's search API (Docker Hub's v1 search): a clear
    # refusal rather than an empty list that looks like "nothing matched".
    raise ApiError(501, "image search is not supported by doca: no registry search API is queried")


@route("GET", "/images/get")
def save_many(req, backend):
    # none named: doca's Save refuses (400; Docker sends an empty archive)
    return _save(req, backend, [n for n in req.query.all("names") if n])


def _save(req, backend, names: list[str]) -> Stream:
    ic.check_platform(req, "saves")
    call = backend.images.Save(pb.SaveImagesRequest(references=names))
    chunks = ic.first_then_rest(call)  # a missing image is a 404 before the tar begins

    def body():
        try:
            for c in chunks:
                yield c.data
        finally:
            call.cancel()
    return Stream(body(), "application/x-tar", on_close=call.cancel)


@route("POST", "/images/load")
def load(req, backend):
    # `quiet` or not, only the "Loaded image" lines are sent: doca's Load
    # reports no per-layer progress to draw Docker's "Loading layer" bars from.
    ic.check_platform(req, "loads")
    f = ic.spool(req)
    r = backend.images.Load(pb.DataChunk(data=c) for c in ic.chunks_of(f))
    lines = []
    for img in r.images:
        if img.repo_tags:
            lines += [ic.message(stream=f"Loaded image: {t}\n") for t in img.repo_tags]
        else:
            lines.append(ic.message(stream=f"Loaded image ID: {img.id}\n"))
    return Stream(iter(lines), "application/json")


@route("POST", "/images/prune")
def prune(req, backend):
    items = filters_of(req)
    dangling = [i.split("=", 1)[1] for i in items if i.startswith("dangling=")]
    rest = [i for i in items if not i.startswith("dangling=")]
    for value in dangling:
        if value.lower() not in ("true", "false", "1", "0"):
            raise ApiError(400, f"invalid filter 'dangling=[{value}]'")
    every = any(v.lower() in ("false", "0") for v in dangling)  # dangling=false: every unused image
    r = backend.images.Prune(pb.PruneImagesRequest(all=every, filters=rest))
    deleted = [{"Untagged": t} for t in r.untagged] + [{"Deleted": d} for d in r.deleted]
    return json_response({"ImagesDeleted": deleted or None, "SpaceReclaimed": r.space_reclaimed})


@route("POST", "/commit")
def commit(req, backend):
    q = req.query
    container = q.get("container")
    if not container:
        raise ApiError(400, "container is required: the container to commit")
    config = req.json(default=None)
    changes = [c for c in q.all("changes") if c] + commit_config.changes({} if config is None else config)
    repo, tag = q.get("repo"), q.get("tag")
    reference = f"{ic.name_only(repo)}:{tag}" if repo and tag else repo
    if tag and not repo:
        raise ApiError(400, "tag given without repo")
    img = backend.images.Commit(pb.CommitRequest(
        container=container, reference=reference, changes=changes, comment=q.get("comment"),
        author=q.get("author"), no_pause=not q.bool("pause", True)))
    return json_response({"Id": img.id}, 201)


@route("GET", "/images/{name:.*}/json")
def inspect(req, backend):
    ic.check_platform(req, "keeps")
    doc = from_struct(backend.images.Inspect(pb.ImageRef(reference=req.params["name"])))
    return json_response(image_document.image(doc, req))


@route("GET", "/images/{name:.*}/history")
def history(req, backend):
    ic.check_platform(req, "keeps")
    r = backend.images.History(pb.ImageRef(reference=req.params["name"]))
    return json_response([{"Comment": e.comment, "Created": _seconds(e.created), "CreatedBy": e.created_by,
                           "Id": e.id or "<missing>", "Size": e.size, "Tags": list(e.tags) or None}
                          for e in r.entries])


@route("GET", "/images/{name:.*}/get")
def save_one(req, backend):
    return _save(req, backend, [req.params["name"]])


@route("POST", "/images/{name:.*}/tag")
def tag(req, backend):
    repo, tag_ = req.query.get("repo"), req.query.get("tag")
    if not repo:
        raise ApiError(400, "repo is required: the repository to tag in")
    target = f"{ic.name_only(repo)}:{tag_}" if tag_ else repo
    backend.images.Tag(pb.TagImageRequest(source=req.params["name"], target=target))
    return Response(201, b"", "")


@route("DELETE", "/images/{name:.*}")
def remove(req, backend):
    ic.check_platform(req, "keeps")
    if req.query.bool("noprune"):
        raise ApiError(400, "noprune is not supported: doca's image remove deletes the untagged parents it leaves")
    r = backend.images.Remove(pb.RemoveImageRequest(reference=req.params["name"], force=req.query.bool("force")))
    return json_response([{"Untagged": t} for t in r.untagged] + [{"Deleted": d} for d in r.deleted])
