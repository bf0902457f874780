"""docker commit: a container's upper dir becomes a new layer on top of its
image's layers.

The diff is written as a tar straight into a content-store ingest (hashed as
it goes: the digest is the diff id), unpacked under its chain id like any
layer, and only then committed and recorded. The new manifest reuses the
image's layer descriptors as they are, so the new image shares every layer
blob (and unpacked layer) with the old one.

The container keeps the snapshot lock for the whole time: its snapshot
cannot be removed half-way through. The caller pauses a running container.
"""
import copy
import logging
import time

from common import crashpoints
from common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.images import changes as changes_mod
from common import reference
from services.images import diff, digests, mountpoints, oci
from services.images.service import ImageService
from services.images.snapshots import check_container_id

log = logging.getLogger("doca.images.commit")

# The runnable config keys the caller's container config may set.
CONTAINER_KEYS = ("Env", "Cmd", "Entrypoint", "WorkingDir", "User", "Labels", "StopSignal")


def new_config(image_config: dict, container_config: dict | None, change_list) -> dict:
    """The image's runnable config, overlaid by the container's (what it ran
    with), then by the changes."""
    cfg = copy.deepcopy(image_config.get("config") or {})
    for key in CONTAINER_KEYS:
        if container_config and key in container_config:
            value = container_config[key]
            if value in (None, "", [], {}):
                cfg.pop(key, None)
            else:
                cfg[key] = value
    return changes_mod.apply_all(cfg, change_list)


def _lower_dirs(svc: ImageService, diff_ids: list) -> list[str]:
    """The image's unpacked layers, top first (what the container's root shows below its changes)."""
    return [str(svc.layers.diff_dir(c)) for c in reversed(digests.chain_ids(diff_ids))]


def commit(svc: ImageService, container_id: str, *, tag: str = "", container_config: dict | None = None,
           changes=(), comment: str = "", author: str = "", created_by: str = "") -> str:
    check_container_id(container_id)
    ref = None
    if tag:
        ref = reference.parse(tag)
        if ref.digest:
            raise InvalidArgument(f"cannot commit as {tag!r}: a tag cannot contain a digest")
    with svc.container_lock(container_id):
        with svc.lock:
            snap = svc.snapshots.get(container_id)
            if snap is None:
                raise NotFound(f"container {container_id[:12]} has no snapshot to commit")
            parent_id = snap["image_id"]
            manifest, parent_config = svc.db.documents(parent_id)
        cfg = new_config(parent_config, container_config, changes)  # bad changes fail before any work
        parent_diffs = oci.diff_ids(parent_config)
        parent_chain = digests.chain_ids(parent_diffs)[-1] if parent_diffs else None
        layers = list(manifest.get("layers", []))
        if len(layers) != len(parent_diffs):
            raise FailedPrecondition(f"image {digests.short(parent_id)} is damaged: its manifest "
                                     f"has {len(layers)} layers, its config {len(parent_diffs)}")
        entry = {"created_by": created_by or "doca commit"}
        if comment:
            entry["comment"] = comment
        if author:
            entry["author"] = author
        extra = {k: v for k, v in parent_config.items()
                 if k not in ("created", "config", "rootfs", "history", "author", "comment")}
        if author:
            extra["author"] = author
        history = list(parent_config.get("history") or [])

        def image(diff_ids: list, descs: list, entry: dict) -> str:
            created = time.time()
            entry = {"created": oci.rfc3339(created), **entry}
            return svc.create_image(diff_ids=diff_ids, created=created, history=history + [entry], config=cfg,
                                    tag=ref, layer_descs=descs, extra=extra, parent=parent_id)

        t0 = time.monotonic()
        with svc.content.writer() as w:
            skip = mountpoints.runtime_made(snap["upper_dir"], _lower_dirs(svc, parent_diffs))
            stats = diff.write(snap["upper_dir"], w.write, skip)
            if stats.entries == 0:
                # Nothing changed: no layer, an empty_layer history entry and the
                # parent's layers as they are (Docker's NewChildImage for an empty diff).
                image_id = image(parent_diffs, layers, {**entry, "empty_layer": True})
                log.info("committed %s as %s: no change, no layer", container_id[:12], digests.short(image_id))
                return image_id
            diff_id = w.finish()
            chain_id = digests.chain_ids(parent_diffs + [diff_id])[-1]
            t1 = time.monotonic()
            with svc.pinned(blobs=[diff_id], layers=[chain_id]):
                svc.layers.ensure(chain_id, diff_id, parent_chain, w.path)
                w.commit()
                crashpoints.reached("images.commit.layer")
                image_id = image(parent_diffs + [diff_id], layers + [oci.descriptor(oci.MEDIA_LAYER, diff_id, w.size)],
                                 entry)
    log.info("committed %s as %s: %d entries (%d whiteouts), %d bytes; diff %.3fs, unpack %.3fs",
             container_id[:12], digests.short(image_id), stats.entries, stats.whiteouts, w.size,
             t1 - t0, time.monotonic() - t1)
    return image_id
