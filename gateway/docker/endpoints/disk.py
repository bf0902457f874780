"""GET /system/df: Docker's disk usage document (LayersSize, Images,
Containers, Volumes, BuildCache) from doca.v1's DiskUsage, image and
container lists (the same numbers `doca system df -v` shows). API 1.42+
takes ?type= (container, image, volume, build-cache) to compute only some."""
from doca.v1 import containers_pb2, images_pb2, volumes_pb2
from gateway.docker.endpoints.volumes import document as volume_document
from gateway.docker.errors import ApiError
from gateway.docker.http import json_response
from gateway.docker.router import route

TYPES = ("container", "image", "volume", "build-cache")


def _seconds(ts) -> int:
    return int(ts.seconds)


def _images(u, listed, version_1_44: bool) -> list[dict]:
    more = {i.id: i for i in listed}
    out = []
    for i in u.images:
        extra = more.get(i.id)
        doc = {"Containers": i.containers, "Created": _seconds(i.created), "Id": i.id,
               "Labels": dict(extra.labels) or None if extra else None,
               "ParentId": extra.parent_id if extra else "",
               "RepoDigests": list(extra.repo_digests) or None if extra else None,
               "RepoTags": list(i.repo_tags) or None, "SharedSize": i.shared_size, "Size": i.size}
        if not version_1_44:  # VirtualSize left the API in 1.44
            doc["VirtualSize"] = i.size
        out.append(doc)
    return out


def _image_ids(listed) -> dict:
    """NAME:TAG (and the id) -> image id, to give each container its ImageID."""
    ids = {}
    for i in listed:
        ids[i.id] = i.id
        for tag in i.repo_tags:
            ids[tag] = i.id
    return ids


def _image_id(ref: str, ids: dict) -> str:
    if ref in ids:
        return ids[ref]
    if ":" not in ref.rpartition("/")[2] and ref + ":latest" in ids:
        return ids[ref + ":latest"]
    return next((i for i in ids.values() if i.split(":", 1)[-1].startswith(ref)), "")


def _container(c, ids: dict) -> dict:
    networks = list(c.networks)
    mode = "none" if not networks else networks[0]
    return {
        "Id": c.id, "Names": ["/" + c.name], "Image": c.image, "ImageID": _image_id(c.image, ids),
        "Command": c.command, "Created": _seconds(c.created_at),
        "Ports": [{"IP": p.ip, "PrivatePort": p.private_port, "PublicPort": p.public_port, "Type": p.type}
                  if p.public_port else {"PrivatePort": p.private_port, "Type": p.type} for p in c.ports],
        "SizeRw": c.size_rw, "SizeRootFs": c.size_root_fs, "Labels": dict(c.labels), "State": c.state,
        "Status": c.status, "HostConfig": {"NetworkMode": mode},
        "NetworkSettings": {"Networks": {n: {} for n in networks}},
        "Mounts": [{"Type": "volume" if m.name else "bind", "Name": m.name, "Source": m.source,
                    "Destination": m.destination, "Driver": m.driver, "Mode": "", "RW": True,
                    "Propagation": ""} for m in c.mounts],
    }


def _volumes(u, backend) -> list[dict]:
    out = []
    for v in u.volumes:
        try:
            doc = volume_document(backend.volumes.Inspect(volumes_pb2.VolumeRef(name=v.name)))
        except Exception:  # removed since DiskUsage
            continue
        doc["UsageData"] = {"RefCount": v.links, "Size": v.size}
        out.append(doc)
    return out


@route("GET", "/system/df")
def df(req, backend):
    asked = req.query.all("type") if req.version_at_least("1.42") else []
    for t in asked:
        if t not in TYPES:  # moby's words
            raise ApiError(400, f"unknown object type: {t}")
    want = set(asked) or set(TYPES)
    u = backend.images.DiskUsage(images_pb2.DiskUsageRequest())
    listed = backend.images.List(images_pb2.ListImagesRequest(all=True)).images \
        if want & {"image", "container"} else []
    out = {"LayersSize": u.layers_size if "image" in want else 0,
           "Images": _images(u, listed, req.version_at_least("1.44")) if "image" in want else None,
           "Containers": None, "Volumes": None, "BuildCache": None}
    if "container" in want:
        ids = _image_ids(listed)
        out["Containers"] = [_container(c, ids) for c in backend.containers.List(
            containers_pb2.ListRequest(all=True, size=True)).containers]
    if "volume" in want:
        out["Volumes"] = _volumes(u, backend)
    if "build-cache" in want:
        # doca's build cache is layers, not BuildKit records: none to list, its size in BuilderSize
        out["BuildCache"] = []
        if not req.version_at_least("1.42"):
            out["BuilderSize"] = u.build_cache_size
    return json_response(out)
