"""docker export: a container's root filesystem, flattened into one tar
(its image's layers merged with its own writes, whiteouts applied).

The container's snapshot lock is held while the tar streams, so the
snapshot cannot be removed under the export; the container itself may go
on running (as with Docker, files it changes meanwhile may be caught half
way: stop or pause it for an exact copy).
"""
from typing import Iterator

from common.errors import NotFound
from services.images import flatten
from services.images.service import ImageService
from services.images.snapshots import check_container_id


def export(svc: ImageService, container_id: str) -> Iterator[bytes]:
    """The tar as chunks; NOT_FOUND raises at the first next()."""
    check_container_id(container_id)
    with svc.container_lock(container_id):
        snap = svc.snapshots.get(container_id)
        if snap is None:
            raise NotFound(f"container {container_id[:12]} has no root filesystem to export")
        lower = [str(svc.layers.diff_dir(c)) for c in reversed(snap.get("chain_ids") or [])]
        yield from flatten.members([snap["upper_dir"], *lower])
