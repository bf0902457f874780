"""container prune and system prune: what no container runs or uses goes,
through the same flows as rm, volume rm, image prune and builder prune.

A container that cannot be removed (it started meanwhile) is skipped and
logged, as Docker does; everything else still goes. Networks: the network
service's own prune (user-defined networks without endpoints). Volumes:
only anonymous ones (Docker 23+): a 64-hex name, as `volume create` without
a name makes, or Docker's anonymous label."""
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

    @staticmethod
    def _has(labels: dict, want: str) -> bool:
        key, sep, value = want.partition("=")
        return key in labels and (not sep or labels[key] == value)

    def match(self, labels: dict, created: float | None) -> bool:
        if self.until and created is not None and created >= self.until:
            return False
        return all(self._has(labels, w) for w in self.labels) and not any(self._has(labels, w) for w in self.not_labels)


class Pruner:
    def __init__(self, clients: Clients, flows: Containers, events: EngineEvents):
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

    def volumes(self, filters: Filters) -> list[str]:
        deleted = []
        for vol in self.c.volumes.List(vpb.ListRequest()).volumes:
            if vol.used_by or not is_anonymous(vol) or not filters.match(dict(vol.labels), timestamps.from_proto(vol.created_at)):
                continue
            try:
                self.c.volumes.Remove(vpb.RemoveRequest(name=vol.name))
            except grpc.RpcError as e:
                log.warning("prune: volume %s stays: %s", vol.name, e.details())
                continue
            deleted.append(vol.name)
        self.events.publish("volume", "prune", "", {"reclaimed": 0})
        return deleted

    def system(self, all_images: bool, volumes: bool, filters: Filters) -> spb.SystemPruneResponse:
        """Containers first (their images and networks become unused), then
        networks, volumes, images and the build cache, as Docker orders them."""
        containers, reclaimed = self.containers(filters)
        out = spb.SystemPruneResponse(containers_deleted=containers)
        if not (filters.until or filters.labels or filters.not_labels):
            out.networks_deleted.extend(self.c.network.Prune(npb.PruneRequest()).removed)
        if volumes:
            out.volumes_deleted.extend(self.volumes(filters))
        if filters.until or filters.labels or filters.not_labels:
            log.info("system prune with filters: networks, images and build cache left as they are")
        else:
            images = self.c.images.Prune(ipb.PruneRequest(all=all_images))
            out.images_untagged.extend(images.untagged)
            out.images_deleted.extend(images.deleted)
            cache = self.c.images.PruneBuildCache(ipb.PruneBuildCacheRequest())
            out.build_cache_deleted.extend(cache.deleted)
            reclaimed += images.space_reclaimed + cache.space_reclaimed
        out.space_reclaimed = reclaimed
        return out
