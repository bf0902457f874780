"""container prune and system prune: what no container runs or uses goes,
through the same flows as rm, volume rm, image prune and builder prune.

A container that cannot be removed (it started meanwhile) is skipped and
logged, as Docker does; everything else still goes. Networks: the network
service's own prune (user-defined networks without endpoints). Volumes:
only anonymous ones (Docker 23+): a 64-hex name, as `volume create` without
a name makes, or Docker's anonymous label. With filters (until, label,
label!), images and networks are chosen here, the services' own prunes
taking none."""
import logging

import grpc

from common import timestamps
from common.errors import InvalidArgument
from doca.images.v1 import images_pb2 as ipb
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import system_pb2 as spb
from doca.volumes.v1 import volumes_pb2 as vpb
from gateway.api import spec as specs
from gateway.api.clients import Clients
from gateway.api.containers import Containers
from gateway.api.anonymous_volumes import is_anonymous
from gateway.api.events import EngineEvents

log = logging.getLogger("doca.gateway.prune")
BUILTIN_NETWORKS = ("bridge", "host", "none")  # Docker's predefined ones, never pruned
STOPPED = ("created", "exited", "dead")


class Filters:
    """Docker's prune filters: until=TIME (created before), label=KEY[=VALUE]
    and label!=KEY[=VALUE]."""

    def __init__(self, items):
        self.until = 0.0
        self.labels: list[str] = []
        self.not_labels: list[str] = []
        for item in items:
            key, sep, value = item.partition("=")
            if key == "label!" and sep:
                self.not_labels.append(value)
            elif key == "label" and sep and value:
                self.labels.append(value)
            elif key == "until" and sep and value:
                try:
                    self.until = specs.since(value)
                except InvalidArgument:  # Docker's words
                    raise InvalidArgument(f'failed to parse value as time or duration: "{value}"') from None
            elif key in ("label", "label!", "until"):
                raise InvalidArgument(f"invalid filter '{item}'")
            else:  # Docker's words: the key alone
                raise InvalidArgument(f"invalid filter '{key}'")

    def given(self) -> bool:
        return bool(self.until or self.labels or self.not_labels)

    @staticmethod
    def _has(labels: dict, want: str) -> bool:
        key, sep, value = want.partition("=")
        return key in labels and (not sep or labels[key] == value)

    def match(self, labels: dict, created: float | None) -> bool:
        if self.until and created is not None and created >= self.until:
            return False
        return all(self._has(labels, w) for w in self.labels) and not any(self._has(labels, w) for w in self.not_labels)


class Pruner:
    def __init__(self, clients: Clients, flows: Containers | None, events: EngineEvents | None):
        self.c = clients
        self.flows = flows
        self.events = events

    def containers(self, filters: Filters) -> tuple[list[str], int]:
        sizes = {s.container_id: s.size for s in self.c.images.DiskUsage(ipb.DiskUsageRequest()).snapshots}
        deleted, reclaimed = [], 0
        for ctr in self.c.runtime.List(rpb.ListRequest(all=True)).containers:
            if ctr.status not in STOPPED or not filters.match(dict(ctr.spec.labels), timestamps.from_proto(ctr.created_at)):
                continue
            try:
                # looked up again (known=None): one that started since the list
                # (a restart policy, a `doca start`) is refused, not killed
                self.flows.remove(ctr.id, force=False)
            except grpc.RpcError as e:
                log.warning("prune: container %s stays: %s", ctr.id[:12], e.details())
                continue
            deleted.append(ctr.id)
            reclaimed += sizes.get(ctr.id, 0)
        self.events.publish("container", "prune", "", {"reclaimed": reclaimed})
        return deleted, reclaimed

    def volumes(self, filters: Filters, everything: bool = False) -> list[str]:
        """Unused anonymous volumes; with `everything` (volume prune -a, the
        Engine API before 1.42) named ones too."""
        deleted = []
        for vol in self.c.volumes.List(vpb.ListRequest()).volumes:
            if vol.used_by or not (everything or is_anonymous(vol)) \
                    or not filters.match(dict(vol.labels), timestamps.from_proto(vol.created_at)):
                continue
            try:
                self.c.volumes.Remove(vpb.RemoveRequest(name=vol.name))
            except grpc.RpcError as e:
                log.warning("prune: volume %s stays: %s", vol.name, e.details())
                continue
            deleted.append(vol.name)
        if self.events is not None:
            self.events.publish("volume", "prune", "", {"reclaimed": 0})
        return deleted

    def images(self, all_images: bool, filters: Filters) -> ipb.PruneResponse:
        """image prune: the images service's own prune, or with filters the
        images no container uses (without a tag unless -a) created before
        `until` and with the labels asked, each tag untagged then the image
        deleted, as Docker's prune does."""
        if not filters.given():
            return self.c.images.Prune(ipb.PruneRequest(all=all_images))
        used = {c.spec.image_id for c in self.c.runtime.List(rpb.ListRequest(all=True)).containers}
        before = self.c.images.DiskUsage(ipb.DiskUsageRequest()).layers_size
        out = ipb.PruneResponse()
        for img in self.c.images.List(ipb.ListRequest()).images:
            if img.id in used or (img.repo_tags and not all_images) \
                    or not filters.match(dict(img.config.labels), timestamps.from_proto(img.created)):
                continue
            try:
                for ref in list(img.repo_tags) or [img.id]:
                    r = self.c.images.Remove(ipb.RemoveRequest(reference=ref))
                    out.untagged.extend(r.untagged)
                    out.deleted.extend(r.deleted)
            except grpc.RpcError as e:  # used since the list: it stays, as Docker skips it
                log.warning("prune: image %s stays: %s", img.id[:19], e.details())
        out.space_reclaimed = max(before - self.c.images.DiskUsage(ipb.DiskUsageRequest()).layers_size, 0)
        if self.events is not None:
            self.events.publish("image", "prune", "", {"reclaimed": out.space_reclaimed})
        return out

    def networks(self, filters: Filters) -> list[str]:
        """network prune: the network service's own, or with filters the
        user's networks without endpoints, created before `until` and with
        the labels asked."""
        if not filters.given():
            return list(self.c.network.Prune(npb.PruneRequest()).removed)
        removed = []
        for net in self.c.network.List(npb.ListRequest()).networks:
            if net.name in BUILTIN_NETWORKS or not filters.match(dict(net.labels), net.created or None):
                continue
            try:
                if self.c.network.Inspect(npb.InspectRequest(network=net.id)).endpoints:
                    continue
                self.c.network.Remove(npb.RemoveRequest(network=net.id))
            except grpc.RpcError as e:
                log.warning("prune: network %s stays: %s", net.name, e.details())
                continue
            removed.append(net.name)
        if self.events is not None:
            self.events.publish("network", "prune", "", {"reclaimed": 0})
        return removed

    def system(self, all_images: bool, volumes: bool, filters: Filters) -> spb.SystemPruneResponse:
        """Containers first (their images and networks become unused), then
        networks, volumes, images and the build cache, as Docker orders them."""
        containers, reclaimed = self.containers(filters)
        out = spb.SystemPruneResponse(containers_deleted=containers)
        out.networks_deleted.extend(self.networks(filters))
        if volumes:
            out.volumes_deleted.extend(self.volumes(filters))
        images = self.images(all_images, filters)
        out.images_untagged.extend(images.untagged)
        out.images_deleted.extend(images.deleted)
        reclaimed += images.space_reclaimed
        if filters.given():
            log.info("system prune with filters: the build cache left as it is")
        else:
            cache = self.c.images.PruneBuildCache(ipb.PruneBuildCacheRequest(all=all_images))  # -a: shared steps too
            out.build_cache_deleted.extend(cache.deleted)
            reclaimed += cache.space_reclaimed
        out.space_reclaimed = reclaimed
        return out
