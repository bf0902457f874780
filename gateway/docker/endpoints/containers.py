"""Containers: list, create, inspect and the lifecycle (start, stop, restart,
kill, wait, remove, rename, pause, unpause, update, top, changes, prune,
resize). Each is one or two doca.v1 Containers calls; what Docker answers
with a status of its own (304 for a start of a started container or a stop
of a stopped one) is read from the inspect document first."""
import platform

import grpc

from doca.v1 import containers_pb2 as cpb
from gateway.docker import container_document, container_summary, container_wait, create_config, ttys
from gateway.docker.documents import from_struct
from gateway.docker.errors import ApiError, from_rpc
from gateway.docker.http import Response, json_response, no_content
from gateway.docker.router import route
from gateway.docker import filters


def _filters(req) -> list[str]:
    """The `filters` JSON parameter as doca.v1's KEY=VALUE items."""
    return filters.items(req)


def _inspect(backend, ref: str, size: bool = False) -> dict:
    return from_struct(backend.containers.Inspect(cpb.ContainerRef(id=ref, size=size)))


def _running(doc: dict) -> bool:
    return bool((doc.get("State") or {}).get("Running"))


def _not_modified() -> Response:
    return Response(304, b"", "")


# -- list, inspect -------------------------------------------------------------

@route("GET", "/containers/json")
def list_containers(req, backend):
    request = cpb.ListRequest(all=req.query.bool("all"), limit=req.query.int("limit", 0),
                              size=req.query.bool("size"), filters=_filters(req))
    if request.limit < 0:  # Docker's -1: no limit
        request.limit = 0
    return json_response(container_summary.listing(backend, request))


@route("GET", "/containers/{id}/json")
def inspect(req, backend):
    return json_response(container_document.container(_inspect(backend, req.params["id"],
                                                               size=req.query.bool("size")), req))


# -- create ----------------------------------------------------------------------

def _image_ref(image: str) -> str:
    """Docker's familiar name with its tag as the 404 names it: busybox:latest."""
    if "@" in image:
        return image
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last else image + ":latest"


def _check_platform(text: str) -> None:
    """doca runs its host's platform only: another is refused as Docker
    refuses an image that does not match the asked platform."""
    if not text:
        return
    from gateway.docker.endpoints.system import goarch
    parts = text.lower().split("/")
    arch = goarch(platform.machine())
    if parts[0] != "linux" or (len(parts) > 1 and parts[1] != arch):
        raise ApiError(400, f"invalid platform {text!r}: doca runs linux/{arch} containers only")


@route("POST", "/containers/create")
def create(req, backend):
    _check_platform(req.query.get("platform"))
    body = req.json(default=None)
    if body is None:
        raise ApiError(400, "Config cannot be empty in order to create a container")
    cfg, more_networks = create_config.from_docker(body, req.query.get("name"), req.version_at_least("1.44"))
    try:
        r = backend.containers.Create(cfg)
    except grpc.RpcError as e:
        err = from_rpc(e)
        if err.status == 404:
            if _image_missing(backend, cfg.image):  # docker run pulls on this 404, then creates again
                raise ApiError(404, f"No such image: {_image_ref(cfg.image)}") from None
            # Another missing object (a network, a --volumes-from container):
            # Docker finds it missing at start; a 404 here would send the
            # docker CLI pulling the image. Its message, as a bad request.
            raise ApiError(400, err.message) from None
        raise err from None
    if more_networks:
        _connect(backend, r.id, more_networks)
    return json_response({"Id": r.id, "Warnings": list(r.warnings)}, 201)


def _connect(backend, cid: str, networks: list[tuple[str, dict]]) -> None:
    """API 1.44's other networks at create, connected as `network connect`
    does; one that fails removes the container (nothing half-made)."""
    from doca.v1 import system_pb2
    try:
        for name, ep in networks:
            backend.networks.Connect(system_pb2.ConnectRequest(
                network=name, container=cid, ip_address=(ep.get("IPAMConfig") or {}).get("IPv4Address") or "",
                aliases=ep.get("Aliases") or []))
    except grpc.RpcError as e:
        try:
            backend.containers.Remove(cpb.RemoveRequest(id=cid, force=True, volumes=True))
        except grpc.RpcError:
            pass
        err = from_rpc(e)
        raise ApiError(400 if err.status == 404 else err.status, err.message) from None  # 404: the CLI would pull


def _image_missing(backend, image: str) -> bool:
    from doca.v1 import images_pb2
    try:
        backend.images.Inspect(images_pb2.ImageRef(reference=image))
    except grpc.RpcError as e:
        return e.code() == grpc.StatusCode.NOT_FOUND
    return False


# -- lifecycle -----------------------------------------------------------------

@route("POST", "/containers/{id}/start")
def start(req, backend):
    doc = _inspect(backend, req.params["id"])
    if (doc.get("State") or {}).get("Paused"):
        raise ApiError(409, "cannot start a paused container, try unpause instead")
    if _running(doc):
        return _not_modified()
    backend.containers.Start(cpb.ContainerRef(id=doc["Id"]))
    return no_content()


FOREVER = 2 ** 31 - 1  # StopRequest.timeout is an int32 of seconds


def _timeout(req) -> int:
    """?t: seconds before SIGKILL; absent = the container's own (-1 to
    doca.v1); Docker's t=-1 (or less) waits for the exit without a SIGKILL."""
    if not req.query.get("t"):
        return -1
    t = req.query.int("t")
    return FOREVER if t < 0 else min(t, FOREVER)


def _stop_signal(req) -> str:
    """?signal (API 1.42): refused unless the runtime can send it in place of
    the container's stop signal."""
    return req.query.get("signal")


@route("POST", "/containers/{id}/stop")
def stop(req, backend):
    doc = _inspect(backend, req.params["id"])
    if not _running(doc) and not (doc.get("State") or {}).get("Restarting"):
        return _not_modified()
    backend.containers.Stop(cpb.StopRequest(id=doc["Id"], timeout=_timeout(req), signal=_stop_signal(req)))
    return no_content()


@route("POST", "/containers/{id}/restart")
def restart(req, backend):
    backend.containers.Restart(cpb.StopRequest(id=req.params["id"], timeout=_timeout(req),
                                               signal=_stop_signal(req)))
    return no_content()


@route("POST", "/containers/{id}/kill")
def kill(req, backend):
    backend.containers.Kill(cpb.KillRequest(id=req.params["id"], signal=req.query.get("signal") or "SIGKILL"))
    return no_content()


@route("POST", "/containers/{id}/wait")
def wait(req, backend):
    return container_wait.wait(backend, req.params["id"], req.query.get("condition"))


@route("DELETE", "/containers/{id}")
def remove(req, backend):
    if req.query.bool("link"):
        raise ApiError(400, "link: removing a legacy link is not supported by doca (remove the container instead)")
    backend.containers.Remove(cpb.RemoveRequest(id=req.params["id"], force=req.query.bool("force"),
                                                volumes=req.query.bool("v")))
    return no_content()


@route("POST", "/containers/{id}/rename")
def rename(req, backend):
    name = req.query.get("name")
    if not name:
        raise ApiError(400, "Neither old nor new names may be empty")
    backend.containers.Rename(cpb.RenameRequest(id=req.params["id"], name=name))
    return no_content()


@route("POST", "/containers/{id}/pause")
def pause(req, backend):
    backend.containers.Pause(cpb.ContainerRef(id=req.params["id"]))
    return no_content()


@route("POST", "/containers/{id}/unpause")
def unpause(req, backend):
    backend.containers.Unpause(cpb.ContainerRef(id=req.params["id"]))
    return no_content()


# HostConfig fields of POST update doca's UpdateRequest carries (Docker's
# Resources), and those it cannot change on a live container.
_UPDATE_REFUSED = ("KernelMemory", "KernelMemoryTCP", "OomKillDisable", "MemorySwappiness", "Devices",
                   "DeviceCgroupRules", "DeviceRequests", "Ulimits", "BlkioWeightDevice", "BlkioDeviceReadBps",
                   "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CgroupParent",
                   "CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth")


@route("POST", "/containers/{id}/update")
def update(req, backend):
    body = req.json(default={})
    if not isinstance(body, dict):
        raise ApiError(400, "invalid JSON: the update body is not an object")
    for key in _UPDATE_REFUSED:
        if body.get(key) not in (None, 0, False, "", [], {}) and not (key == "MemorySwappiness" and body[key] == -1):
            raise ApiError(400, f"{key}: cannot be updated on a container by doca")
    cfg, _ = create_config.from_docker({"Image": "-", "AttachStdout": True, "HostConfig": body})
    r = cpb.UpdateRequest(
        id=req.params["id"], memory=cfg.memory, cpus=cfg.cpus, cpu_shares=cfg.cpu_shares,
        memory_reservation=cfg.memory_reservation, memory_swap=cfg.memory_swap, cpuset_cpus=cfg.cpuset_cpus,
        cpuset_mems=cfg.cpuset_mems, cpu_period=cfg.cpu_period, cpu_quota=cfg.cpu_quota,
        cpu_rt_period=cfg.cpu_rt_period, cpu_rt_runtime=cfg.cpu_rt_runtime, blkio_weight=cfg.blkio_weight,
        restart=cfg.restart if body.get("RestartPolicy") else "")
    if body.get("PidsLimit") is not None:
        pids = create_config.integer(body["PidsLimit"], "PidsLimit")
        r.pids_limit = -1 if pids <= 0 else pids  # 0 and -1: unlimited
    backend.containers.Update(r)
    return json_response({"Warnings": None})  # as dockerd 20.10


@route("GET", "/containers/{id}/top")
def top(req, backend):
    args = [a for a in req.query.get("ps_args").split(" ") if a]  # Docker splits on spaces
    r = backend.containers.Top(cpb.TopRequest(id=req.params["id"], ps_args=args))
    return json_response({"Processes": [list(p.values) for p in r.processes], "Titles": list(r.titles)})


@route("GET", "/containers/{id}/changes")
def changes(req, backend):
    r = backend.containers.Diff(cpb.ContainerRef(id=req.params["id"]))
    return json_response([{"Kind": int(c.kind), "Path": c.path} for c in r.changes] or None)


@route("POST", "/containers/prune")
def prune(req, backend):
    r = backend.containers.Prune(cpb.PruneContainersRequest(filters=_filters(req)))
    return json_response({"ContainersDeleted": list(r.deleted) or None, "SpaceReclaimed": r.space_reclaimed})


@route("POST", "/containers/{id}/resize")
def resize(req, backend):
    for key in ("h", "w"):  # both required, as dockerd's strconv.Atoi reads them
        if not req.query.get(key):
            raise ApiError(400, 'strconv.Atoi: parsing "": invalid syntax')
    h, w = req.query.int("h"), req.query.int("w")
    if h < 0 or w < 0:
        raise ApiError(400, f"invalid size: h={h} w={w}")
    doc = _inspect(backend, req.params["id"])
    if not _running(doc):
        raise ApiError(409, f"Container {doc['Id']} is not running")
    ttys.resize(doc["Id"], h, w)  # no attach in progress: the next one brings its size
    return Response(200, b"", "")
