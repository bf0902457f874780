"""A step's layer, from tar to cache: the tar goes straight into a content
store ingest (digested as it is written: the digest is the diff id), is
unpacked under its chain id like any layer, and only then are the blob
committed and the intermediate image recorded and leased to the build
cache, under the service lock (never seen unleased by a prune). A tar with
no member makes no layer.

The blob is stored uncompressed, as commit does: built layers are local;
compression belongs to push.
"""
import time
from typing import Callable

from services.images import digests, oci
from services.images.build.cache import Hit
from services.images.build.state import StageState
from services.images.leases import BUILD_CACHE


def commit(svc, stage: StageState, produce: Callable[[Callable[[bytes], None]], int],
           created_by: str) -> Hit:
    """produce(sink) writes the layer tar and returns its member count."""
    now = time.time()
    entry = {"created": oci.rfc3339(now), "created_by": created_by}
    with svc.content.writer() as w:
        if produce(w.write) == 0:
            return Hit(entry)
        diff_id = w.finish()
        chains = stage.chain_ids
        chain_id = digests.chain_ids(stage.diff_ids + [diff_id])[-1]
        with svc.pinned(blobs=[diff_id], layers=[chain_id]):
            svc.layers.ensure(chain_id, diff_id, chains[-1] if chains else None, w.path)
            w.commit()
            desc = oci.descriptor(oci.MEDIA_LAYER, diff_id, w.size)
            with svc.lock:
                image_id = svc.create_image(
                    diff_ids=stage.diff_ids + [diff_id], created=now, history=stage.history + [entry],
                    config=stage.config, layer_descs=stage.descs + [desc], extra=stage.extra)
                svc.leases.add(BUILD_CACHE, image_id)
    return Hit(entry, image_id, diff_id, desc)
