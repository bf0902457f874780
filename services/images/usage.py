"""Disk usage (docker system df), from sizes tracked when layers were
unpacked: no walk of the layers. Per image: its size, the part of it other
images share and the part only it has; the layer total counts each layer
once. Containers' writable layers are measured (that is the one part that
changes all the time and is not tracked)."""
import dataclasses
import os

from services.images import digests, oci
from services.images.service import ImageService


@dataclasses.dataclass
class ImageUsage:
    id: str
    repo_tags: list[str]
    created: float
    size: int
    shared_size: int
    unique_size: int
    containers: int


@dataclasses.dataclass
class SnapshotUsage:
    container_id: str
    image_id: str
    size: int


@dataclasses.dataclass
class Usage:
    images: list[ImageUsage]
    snapshots: list[SnapshotUsage]
    layers_size: int
    reclaimable_size: int
    content_size: int
    build_cache_size: int
    build_cache_count: int  # the build cache's step layers (its intermediate images)


def tree_size(path: str) -> int:
    """Bytes of the regular files under path (hardlinks counted once)."""
    total, seen = 0, set()
    stack = [path]
    while stack:
        try:
            it = os.scandir(stack.pop())
        except OSError:
            continue
        with it:
            for e in it:
                try:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif e.is_file(follow_symlinks=False):
                        st = e.stat(follow_symlinks=False)
                        if st.st_nlink > 1:
                            if (st.st_dev, st.st_ino) in seen:
                                continue
                            seen.add((st.st_dev, st.st_ino))
                        total += st.st_size
                except OSError:
                    continue
    return total


def usage(svc: ImageService, snapshot_sizes: bool = True) -> Usage:
    """What the store holds; snapshot_sizes=False skips walking every
    container's upper dir (the metrics' figures, read at each scrape)."""
    with svc.lock:
        snaps = svc.snapshots.all()
        leased = svc.leases.images()
        hidden = svc.intermediates()  # counted as build cache, not listed as images
        chains_of: dict[str, list[str]] = {}
        size_of: dict[str, int] = {}
        views = {}
        for image_id in svc.db.ids():
            try:
                manifest, config = svc.db.documents(image_id)
            except Exception:  # noqa: BLE001 - a damaged image counts as empty
                chains_of[image_id] = []
                continue
            chains = digests.chain_ids(oci.diff_ids(config))
            chains_of[image_id] = chains
            size_of.update(zip(chains, svc.layer_sizes(manifest, config)))
            views[image_id] = (svc.tags.tags_of(image_id), oci.parse_time(config.get("created", "")))
        content_size = 0
        for d in svc.content.digests():
            try:
                content_size += svc.content.size(d)
            except Exception:  # noqa: BLE001 - removed meanwhile
                pass
    users: dict[str, int] = {}
    for s in snaps:
        users[s["image_id"]] = users.get(s["image_id"], 0) + 1
    holders: dict[str, int] = {}
    for image_id, chains in chains_of.items():
        if image_id in hidden:
            continue  # sharing a layer with the build cache is not sharing it with an image
        for c in set(chains):
            holders[c] = holders.get(c, 0) + 1
    images = []
    for image_id, chains in chains_of.items():
        if image_id in hidden:
            continue
        tags, created = views.get(image_id, ([], 0.0))
        size = sum(size_of[c] for c in chains)
        shared = sum(size_of[c] for c in set(chains) if holders[c] > 1)
        images.append(ImageUsage(image_id, tags, created, size, shared, size - shared, users.get(image_id, 0)))
    kept = {c for i, chains in chains_of.items() if users.get(i) or i in leased for c in chains}
    held_by_others = {c for i, chains in chains_of.items() if i not in leased for c in chains}
    cache_only = {c for i in leased for c in chains_of.get(i, []) if c not in held_by_others}
    all_chains = set(size_of)
    images.sort(key=lambda u: (-u.created, u.id))
    return Usage(
        images=images,
        snapshots=[SnapshotUsage(s["container_id"], s["image_id"], tree_size(s["upper_dir"]) if snapshot_sizes else 0)
                   for s in snaps],
        layers_size=sum(size_of[c] for c in all_chains),
        reclaimable_size=sum(size_of[c] for c in all_chains - kept),
        content_size=content_size,
        build_cache_size=sum(size_of[c] for c in cache_only),
        build_cache_count=len(hidden),
    )
