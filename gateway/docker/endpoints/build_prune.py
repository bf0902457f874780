"""POST /build/prune (docker builder prune, and the last step of docker
system prune, which the client makes of the five prunes): doca.v1
PruneBuildCache."""
from doca.v1 import images_pb2
from gateway.docker.endpoints.volumes import filter_items
from gateway.docker.errors import ApiError
from gateway.docker.http import json_response
from gateway.docker.router import route


def _bytes(req, name: str) -> int:
    value = req.query.get(name)
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:  # Docker's words (its status is a 500; a 400 is what it means)
        raise ApiError(400, f'{name} is in bytes and expects an integer, got {value}: strconv.Atoi: '
                            f'parsing "{value}": invalid syntax') from None


@route("POST", "/build/prune")
def prune(req, backend):
    # keep-storage (API < 1.48) and its new name reserved-space: what the cache may keep
    keep = _bytes(req, "reserved-space") or _bytes(req, "keep-storage")
    for name in ("max-used-space", "min-free-space"):  # API 1.48's policies: doca's prune has no such bound
        if _bytes(req, name):
            raise ApiError(400, f"{name} is not supported: doca's build cache prune keeps at most "
                                "reserved-space (keep-storage) bytes")
    r = backend.images.PruneBuildCache(images_pb2.PruneBuildCacheRequest(
        all=req.query.bool("all"), filters=filter_items(req), keep_storage=keep))
    return json_response({"CachesDeleted": list(r.deleted) or None, "SpaceReclaimed": r.space_reclaimed})
