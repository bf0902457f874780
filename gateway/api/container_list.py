"""docker ps on the gateway: the runtime's containers, their ports and
networks from the network service, filtered as Docker's daemon filters
them (daemon/list.go): newest first; stopped ones only with `all`, a
status filter or a limit; before/since are the containers
created before/after the one named; ancestor the image (by any of its
names or its id); limit the N newest of what matched."""
import time

import grpc

from common import humanize, timestamps
from common.errors import InvalidArgument, NotFound
from doca.images.v1 import images_pb2 as ipb
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb
from gateway.api import list_filters as lf, ports
from gateway.api.clients import Clients

# The id Docker gives its "none" network has no meaning here; one fixed id
# lets `--filter network=` take a prefix of it as of a real network's.
NONE_NETWORK_ID = "6e6f6e65" + "0" * 56
HOST_NETWORK_ID = "686f7374" + "0" * 56  # the builtin "host" network's (documents.HOST_NETWORK_ID)


def command(spec) -> str:
    """Docker's ps COMMAND: the path, then the arguments, one holding a
    space in single quotes (daemon/list.go)."""
    args = list(spec.process.args)
    if not args:
        return ""
    return " ".join([args[0]] + [f"'{a}'" if " " in a else a for a in args[1:]])


def _summary_mounts(spec, sandbox) -> list:
    own = {sandbox.hosts_path, sandbox.hostname_path, sandbox.resolv_conf_path} if sandbox else set()
    return [pb.SummaryMount(name=m.volume, source=m.source, destination=m.destination,
                            driver="local" if m.volume else "")
            for m in spec.mounts if m.source not in own]


def _ancestors(clients: Clients, values: list[str]) -> set[str]:
    """The ids of the images named and of every image made from them (a
    commit's or build's parent chain), as Docker's; a name that is no image
    is skipped, as Docker only logs it."""
    ids = set()
    for value in values:
        try:
            ids.add(clients.images.Inspect(ipb.InspectRequest(reference=value)).id)
        except grpc.RpcError as e:
            if e.code() is not grpc.StatusCode.NOT_FOUND:
                raise
    if not ids:
        return ids
    parent = {i.id: i.parent for i in clients.images.List(ipb.ListRequest(all=True)).images}
    for image_id in parent:
        chain, seen = image_id, set()
        while chain and chain not in seen:  # up to an image named, or the chain's end
            if chain in ids:
                ids.add(image_id)
                break
            seen.add(chain)
            chain = parent.get(chain, "")
    return ids


def _created(clients: Clients, ref: str) -> float:
    """before=/since=: the creation time of the container named (Docker's
    daemon: 'No such container NAME', without the colon of its other lookups)."""
    try:
        return timestamps.from_proto(clients.runtime.Inspect(rpb.InspectRequest(id=ref)).created_at)
    except grpc.RpcError as e:
        if e.code() is grpc.StatusCode.NOT_FOUND:
            raise NotFound(f"No such container {ref}") from None
        raise


def list_containers(clients: Clients, request) -> pb.ListResponse:
    f = lf.parse(request.filters, lf.CONTAINER_KEYS)
    lf.check_container_values(f)
    if request.limit < 0:
        raise InvalidArgument(f"invalid limit {request.limit}")
    befores = [_created(clients, v) for v in f.values("before")]
    sinces = [_created(clients, v) for v in f.values("since")]
    show_all = request.all or bool(f.values("status")) or request.limit > 0
    sandboxes = clients.network.ListEndpoints.future(npb.ListEndpointsRequest())
    listed = clients.runtime.List(rpb.ListRequest(all=True)).containers
    try:
        found = sandboxes.result()
        by_id = {sb.container_id: sb for sb in found.sandboxes}
        endpoints: dict[str, list] = {}
        for ep in found.endpoints:
            endpoints.setdefault(ep.container_id, []).append(ep)
    except grpc.RpcError:  # ps without the PORTS column rather than no ps
        by_id, endpoints = {}, {}
    ancestors = _ancestors(clients, f.values("ancestor")) if "ancestor" in f else None
    now = time.time()
    out = []
    for ctr in sorted(listed, key=lambda c: timestamps.from_proto(c.created_at), reverse=True):
        created = timestamps.from_proto(ctr.created_at)
        if not show_all and ctr.status not in ("running", "paused", "restarting"):
            continue
        if any(created >= b for b in befores) or any(created <= s for s in sinces):
            continue
        if ancestors is not None and ctr.spec.image_id not in ancestors:
            continue
        sandbox = by_id.get(ctr.id)
        nets = [(ep.network, ep.network_id) for ep in endpoints.get(ctr.id, ())]
        if ctr.spec.network_mode == "none":
            nets = [("none", NONE_NETWORK_ID)]
        elif ctr.spec.network_mode == "host":  # Docker's builtin host network (net_modes.py)
            nets = [("host", HOST_NETWORK_ID)]
        mounts = _summary_mounts(ctr.spec, sandbox)
        summary_ports = ports.summary(sandbox, ctr.status)
        facts = {
            "id": ctr.id, "name": ctr.name, "labels": dict(ctr.spec.labels), "state": ctr.status,
            "exit_code": ctr.exit_code, "health": ctr.health.status, "image_id": ctr.spec.image_id,
            "mounts": [(m.name or m.source, m.destination) for m in mounts], "networks": nets,
            "published": [(p.public_port, p.type) for p in summary_ports if p.public_port],
            "exposed": [(p.private_port, p.type) for p in summary_ports],
        }
        if not lf.container_matches(f, facts):
            continue
        out.append(pb.ContainerSummary(
            id=ctr.id, name=ctr.name, image=ctr.spec.image, command=command(ctr.spec),
            created_at=ctr.created_at, state=ctr.status, exit_code=ctr.exit_code,
            status=humanize.status(ctr.status, ctr.exit_code, timestamps.from_proto(ctr.started_at),
                                   timestamps.from_proto(ctr.finished_at), now, ctr.health.status),
            ports=summary_ports, labels=dict(ctr.spec.labels), mounts=mounts,
            networks=sorted(name for name, _ in nets)))
        if request.limit and len(out) == request.limit:
            break
    if request.size and out:
        _fill_sizes(clients, out, {c.id: c.spec.image_id for c in listed})
    return pb.ListResponse(containers=out)


def sizes(clients: Clients, ctr) -> tuple[int, int]:
    """(SizeRw, SizeRootFs) of one container, as inspect -s shows them."""
    usage = clients.images.DiskUsage(ipb.DiskUsageRequest())
    rw = next((s.size for s in usage.snapshots if s.container_id == ctr.id), 0)
    image = next((i.size for i in clients.images.List(ipb.ListRequest(all=True)).images
                  if i.id == ctr.spec.image_id), 0)
    return rw, rw + image


def _fill_sizes(clients: Clients, out: list, image_of: dict) -> None:
    """SizeRw: the writable layer; SizeRootFs: that and the image's layers."""
    usage = clients.images.DiskUsage(ipb.DiskUsageRequest())
    rw = {s.container_id: s.size for s in usage.snapshots}
    image_size = {i.id: i.size for i in clients.images.List(ipb.ListRequest(all=True)).images}
    for s in out:
        s.size_rw = rw.get(s.id, 0)
        s.size_root_fs = s.size_rw + image_size.get(image_of.get(s.id, ""), 0)
