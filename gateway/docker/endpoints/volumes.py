"""Volumes: GET /volumes, POST /volumes/create, GET/DELETE /volumes/{name},
POST /volumes/prune, onto doca.v1.Volumes."""
import grpc

from doca.v1 import volumes_pb2
from gateway.docker import filters
from gateway.docker.documents import from_struct
from gateway.docker.errors import ApiError
from gateway.docker.http import json_response, no_content
from gateway.docker.router import route


def filter_items(req) -> list[str]:
    """The `filters` query parameter (Docker's JSON) as doca.v1's KEY=VALUE
    items; a malformed one is a 400 in Docker's words."""
    return filters.items(req)


def body_object(req, type_name: str) -> dict:
    """The JSON body, which must be an object (Go's words when it is not);
    an empty body is an empty object, as Docker's ReadJSON takes it."""
    doc = req.json({})
    if not isinstance(doc, dict):
        kind = {list: "array", str: "string", bool: "bool", type(None): "null"}.get(type(doc), "number")
        raise ApiError(400, f"json: cannot unmarshal {kind} into Go value of type {type_name}")
    return doc


def string_map(doc: dict, key: str, type_name: str) -> dict:
    """A map[string]string field of a body (Labels, DriverOpts, Options): null is empty."""
    value = doc.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ApiError(400, f"json: cannot unmarshal {key} into Go struct field {type_name}.{key} "
                            "of type map[string]string")
    return value


def string_field(doc: dict, key: str, type_name: str) -> str:
    value = doc.get(key) or ""
    if not isinstance(value, str):
        raise ApiError(400, f"json: cannot unmarshal {type(value).__name__} into Go struct field "
                            f"{type_name}.{key} of type string")
    return value


def document(struct) -> dict:
    """Docker's Volume: doca's own UsedBy is not part of it."""
    doc = from_struct(struct)
    doc.pop("UsedBy", None)
    return doc


def _inspect(backend, name: str) -> dict:
    try:
        return document(backend.volumes.Inspect(volumes_pb2.VolumeRef(name=name)))
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.NOT_FOUND:  # Docker's words
            raise ApiError(404, f"get {name}: no such volume") from None
        raise


@route("GET", "/volumes")
def list_volumes(req, backend):
    listed = backend.volumes.List(volumes_pb2.ListVolumesRequest(filters=filter_items(req))).volumes
    docs = []
    for v in listed:
        try:  # the list lacks CreatedAt and Options: each one's document
            docs.append(_inspect(backend, v.name))
        except ApiError:  # removed since the list
            continue
    # 20.10 (API 1.41) answers null when there is no warning; later daemons an empty list
    return json_response({"Volumes": docs, "Warnings": [] if req.version_at_least("1.42") else None})


@route("POST", "/volumes/create")
def create(req, backend):
    doc = body_object(req, "volume.CreateOptions")
    if doc.get("ClusterVolumeSpec"):  # a swarm's: doca has no swarm
        raise ApiError(400, "ClusterVolumeSpec: cluster volumes need a swarm, which doca does not have")
    made = backend.volumes.Create(volumes_pb2.CreateVolumeRequest(
        name=string_field(doc, "Name", "volume.CreateOptions"),
        driver=string_field(doc, "Driver", "volume.CreateOptions"),
        driver_opts=string_map(doc, "DriverOpts", "volume.CreateOptions"),
        labels=string_map(doc, "Labels", "volume.CreateOptions")))
    return json_response(document(made), 201)


@route("GET", "/volumes/{name}")
def inspect(req, backend):
    return json_response(_inspect(backend, req.params["name"]))


@route("DELETE", "/volumes/{name}")
def remove(req, backend):
    name = req.params["name"]
    try:
        backend.volumes.Remove(volumes_pb2.RemoveVolumeRequest(name=name, force=req.query.bool("force")))
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.NOT_FOUND:
            if req.query.bool("force"):  # Docker: force removes what is there, a missing one is no error
                return no_content()
            raise ApiError(404, f"get {name}: no such volume") from None
        raise
    return no_content()


@route("POST", "/volumes/prune")
def prune(req, backend):
    items = filter_items(req)
    # API 1.42 (docker 23) prunes only anonymous volumes unless all=true; older
    # clients asked for every unused one.
    everything = not req.version_at_least("1.42")
    r = backend.volumes.Prune(volumes_pb2.PruneVolumesRequest(filters=items, all=everything))
    return json_response({"VolumesDeleted": list(r.deleted) or None, "SpaceReclaimed": r.space_reclaimed})
