"""GET /containers/json's entries: doca.v1 List's summaries (filters, order,
status text, ports, sizes) with what Docker's list shows beside them taken
from each container's inspect document (ImageID, HostConfig.NetworkMode,
its networks' endpoint settings, its mounts), so both agree."""
import grpc

from doca.v1 import containers_pb2 as cpb
from gateway.docker import container_document
from gateway.docker.documents import from_struct


def _port(p) -> dict:
    if not p.public_port:  # exposed only
        return {"PrivatePort": p.private_port, "Type": p.type or "tcp"}
    return {"IP": p.ip, "PrivatePort": p.private_port, "PublicPort": p.public_port, "Type": p.type or "tcp"}


def entry(s, doc: dict, size: bool) -> dict:
    host = doc.get("HostConfig") or {}
    out = {
        "Id": s.id,
        "Names": ["/" + s.name.lstrip("/")],
        "Image": s.image,
        "ImageID": doc.get("Image", ""),
        "Command": s.command,
        "Created": s.created_at.seconds,
        "Ports": [_port(p) for p in s.ports],
    }
    if size:  # Docker's omitempty
        if s.size_rw:
            out["SizeRw"] = s.size_rw
        if s.size_root_fs:
            out["SizeRootFs"] = s.size_root_fs
    out.update({
        "Labels": dict(sorted(s.labels.items())),
        "State": s.state,
        "Status": s.status,
        "HostConfig": {"NetworkMode": host.get("NetworkMode", "default")},
        "NetworkSettings": {"Networks": container_document.endpoints(
            (doc.get("NetworkSettings") or {}).get("Networks") or {})},
        "Mounts": container_document.mounts(doc.get("Mounts")),
    })
    return out


def listing(backend, request: cpb.ListRequest) -> list[dict]:
    summaries = backend.containers.List(request).containers
    calls = [backend.containers.Inspect.future(cpb.ContainerRef(id=s.id)) for s in summaries]
    out = []
    for s, call in zip(summaries, calls):
        try:
            doc = from_struct(call.result())
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:  # removed meanwhile
                continue
            raise
        out.append(entry(s, doc, request.size))
    return out
