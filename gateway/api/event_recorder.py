"""Engine events of the calls the gateway makes to the images, volumes and
network services: a client interceptor on their channels, so every path
through the gateway (rmi, prune, run's volumes, rm's endpoints...) reports
what it did, once the call has succeeded, as Docker's daemon would:

    image    pull push tag untag delete import load save prune
    volume   create destroy          network  create destroy connect disconnect prune
    container commit export

Some events need a name the call does not carry (the image a removed tag
pointed to, the networks a detached container was on): those are looked up
just before the call. A lookup that fails only leaves the detail out."""
import logging
import time

import grpc

from doca.images.v1 import images_pb2 as ipb
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api.events import EngineEvents, container_attributes

log = logging.getLogger("doca.gateway.events")


def familiar(reference: str) -> tuple[str, str]:
    """("busybox:latest", "busybox") from "docker.io/library/busybox", as
    Docker names images in its pull and push events."""
    ref = reference
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    name = ref.split("@", 1)[0]
    repo, sep, tag = name.rpartition(":")
    if not sep or "/" in tag:
        repo = name
        if "@" not in ref:
            ref += ":latest"
    return ref, repo


def _quiet(lookup, default=None):
    try:
        return lookup()
    except grpc.RpcError:
        return default


class EventRecorder(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                    grpc.StreamUnaryClientInterceptor):
    def __init__(self, events: EngineEvents):
        self.events = events
        self.clients = None  # set once the channels exist (lookups go through them)
        self._network_ids: dict[str, str] = {}
        self._handlers = {
            "/doca.images.v1.Images/Tag": (None, self._tag),
            "/doca.images.v1.Images/Remove": (self._image_id, self._remove),
            "/doca.images.v1.Images/Prune": (self._all_images, self._prune),
            "/doca.images.v1.Images/Pull": (None, self._pull),
            "/doca.images.v1.Images/Push": (None, self._push),
            "/doca.images.v1.Images/Save": (self._saved_ids, self._save),
            "/doca.images.v1.Images/Load": (None, self._load),
            "/doca.images.v1.Images/Import": (None, self._import),
            "/doca.images.v1.Images/Commit": (self._container, self._commit),
            "/doca.images.v1.Images/Export": (self._container, self._export),
            "/doca.volumes.v1.Volumes/Create": (None, self._volume_create),
            "/doca.volumes.v1.Volumes/Acquire": (lambda r: time.time(), self._volume_acquired),
            "/doca.volumes.v1.Volumes/Remove": (None, self._volume_destroy),
            "/doca.network.v1.Network/Attach": (lambda r: self._network_id(r.network or "bridge"), self._connect),
            "/doca.network.v1.Network/Detach": (self._endpoints, self._disconnect),
            "/doca.network.v1.Network/Disconnect": (self._endpoints, self._disconnect),
            "/doca.network.v1.Network/Create": (None, self._network_create),
            "/doca.network.v1.Network/Remove": (None, self._network_destroy),
            "/doca.network.v1.Network/Prune": (self._networks, self._network_prune),
        }

    # -- interception ---------------------------------------------------------

    def _intercept(self, details, request, start):
        handler = self._handlers.get(details.method)
        if handler is None:
            return start(request)
        before, after = handler
        seen: list = []
        if details.method.endswith("/Import"):  # a client stream: its header names the image
            request = self._tap(request, seen)
        known = before(request) if before else None
        call = start(request)

        def done(c):
            if c.code() != grpc.StatusCode.OK:
                return
            try:
                result = c.result() if hasattr(c, "result") and not hasattr(c, "__next__") else None
                after(seen[0] if seen else request, result, known)
            except Exception:  # noqa: BLE001 - an event must never fail the call
                log.exception("recording the events of %s", details.method)
        call.add_done_callback(done)
        return call

    @staticmethod
    def _tap(requests, seen: list):
        for msg in requests:
            if msg.HasField("header") and not seen:
                seen.append(msg.header)
            yield msg

    def intercept_unary_unary(self, continuation, details, request):
        return self._intercept(details, request, lambda r: continuation(details, r))

    def intercept_unary_stream(self, continuation, details, request):
        return self._intercept(details, request, lambda r: continuation(details, r))

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return self._intercept(details, request_iterator, lambda r: continuation(details, r))

    def _image(self, action: str, image_id: str, name: str, **extra) -> None:
        self.events.publish("image", action, image_id, {"name": name, **extra})

    # -- lookups before a call ---------------------------------------------

    def _image_id(self, request) -> str:
        return _quiet(lambda: self.clients.images.Inspect(ipb.InspectRequest(reference=request.reference)).id, "")

    def _all_images(self, request) -> dict[str, str]:
        """Every tag and id -> image id."""
        images = _quiet(lambda: self.clients.images.List(ipb.ListRequest(all=True)).images, [])
        out = {}
        for img in images:
            out[img.id] = img.id
            out.update(dict.fromkeys(img.repo_tags, img.id))
        return out

    def _saved_ids(self, request) -> list[tuple[str, str]]:
        return [(self._image_id(ipb.InspectRequest(reference=r)) or r, r) for r in request.references]

    def _container(self, request):
        return _quiet(lambda: self.clients.runtime.Inspect(rpb.InspectRequest(id=request.container_id)))

    def _endpoints(self, request) -> list[tuple[str, str]]:
        """(network id, name) of each endpoint of the container."""
        eps = _quiet(lambda: self.clients.network.ListEndpoints(
            npb.ListEndpointsRequest(container_id=request.container_id)).endpoints, [])
        only = getattr(request, "network", "")  # Disconnect: one network (name, id or id prefix)
        return [(ep.network_id or self._network_id(ep.network), ep.network) for ep in eps
                if not only or only in (ep.network, ep.network_id) or (ep.network_id or "").startswith(only)]

    def _networks(self, request) -> dict[str, str]:
        """name -> id of every network."""
        nets = _quiet(lambda: self.clients.network.List(npb.ListRequest()).networks, [])
        return {n.name: n.id for n in nets}

    def _network_id(self, name: str) -> str:
        if name not in self._network_ids:
            nets = _quiet(lambda: self.clients.network.List(npb.ListRequest()).networks, [])
            self._network_ids.update({n.name: n.id for n in nets})
        return self._network_ids.get(name, name)

    # -- events after a call ------------------------------------------------

    def _tag(self, request, image, _):
        self._image("tag", image.id, request.target)

    def _remove(self, request, resp, image_id):
        image_id = image_id or (resp.deleted[0] if resp.deleted else request.reference)
        for ref in resp.untagged:
            self._image("untag", image_id, ref)
        if image_id in resp.deleted:
            self._image("delete", image_id, image_id)

    def _prune(self, request, resp, known):
        for ref in resp.untagged:
            self._image("untag", known.get(ref, ref), ref)
        for d in resp.deleted:
            if d in known:
                self._image("delete", d, d)
        self.events.publish("image", "prune", "", {"reclaimed": resp.space_reclaimed})

    def _pull(self, request, _, __):
        ref, name = familiar(request.reference)
        self._image("pull", ref, name)

    def _push(self, request, _, __):
        ref, name = familiar(request.reference)
        self._image("push", ref, name)

    def _save(self, request, _, ids):
        for image_id, ref in ids:
            self._image("save", image_id, ref)

    def _load(self, _, resp, __):
        for img in resp.images:
            self._image("load", img.id, img.repo_tags[0] if img.repo_tags else img.id)

    def _import(self, header, image, _):
        self._image("import", image.id, getattr(header, "reference", "") or image.id)

    def _commit(self, request, image, ctr):
        if ctr is not None:
            self.events.publish("container", "commit", ctr.id, container_attributes(
                ctr, comment=request.comment, imageID=image.id, imageRef=request.reference))

    def _export(self, request, _, ctr):
        if ctr is not None:
            self.events.publish("container", "export", ctr.id, container_attributes(ctr))

    def _volume_create(self, request, vol, _):
        self.events.publish("volume", "create", vol.name, {"driver": vol.driver or "local"})

    def _volume_acquired(self, request, vol, started):
        """run -v NAME:/path makes a missing volume: that is a create."""
        if vol.created_at.ToNanoseconds() >= int((started - 0.001) * 1e9):
            self.events.publish("volume", "create", vol.name, {"driver": vol.driver or "local"})

    def _volume_destroy(self, request, _, __):
        self.events.publish("volume", "destroy", request.name, {"driver": "local"})

    def _connect(self, request, endpoint, network_id):
        name = endpoint.network or request.network or "bridge"
        self.events.publish("network", "connect", endpoint.network_id or network_id,
                            {"container": request.container_id, "name": name, "type": "bridge"})

    def _disconnect(self, request, _, endpoints):
        for network_id, name in endpoints:
            self.events.publish("network", "disconnect", network_id,
                                {"container": request.container_id, "name": name, "type": "bridge"})

    def _network_create(self, request, net, _):
        self._network_ids[net.name] = net.id
        self.events.publish("network", "create", net.id, {"name": net.name, "type": net.driver or "bridge"})

    def _network_destroy(self, request, net, _):
        self._network_ids.pop(net.name, None)
        self.events.publish("network", "destroy", net.id, {"name": net.name, "type": net.driver or "bridge"})

    def _network_prune(self, request, resp, ids):
        for name in resp.removed:
            self._network_ids.pop(name, None)
            self.events.publish("network", "destroy", ids.get(name, name), {"name": name, "type": "bridge"})
        self.events.publish("network", "prune", "", {"reclaimed": 0})  # Docker's, always 0
