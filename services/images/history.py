"""docker history: the image config's history entries, newest first, each
with the size of the layer it made (tracked when the layer was unpacked)."""
import dataclasses

from services.images import oci
from services.images.service import ImageService


@dataclasses.dataclass
class Entry:
    id: str
    created: float
    created_by: str
    size: int
    comment: str
    empty_layer: bool
    tags: list[str]


def history(svc: ImageService, text: str) -> list[Entry]:
    with svc.lock:
        image_id = svc.resolve(text).image_id
        manifest, config = svc.db.documents(image_id)
        sizes = svc.layer_sizes(manifest, config)
        tags = svc.tags.tags_of(image_id)
    steps = [h for h in config.get("history") or [] if isinstance(h, dict)]
    if sum(1 for h in steps if not h.get("empty_layer")) != len(sizes):
        # No history, or one that does not match the layers: one entry per layer.
        steps = [{"created": config.get("created", "")} for _ in sizes]
    entries, layer = [], 0
    for h in steps:
        empty = bool(h.get("empty_layer"))
        size = 0 if empty else sizes[layer]
        layer += 0 if empty else 1
        entries.append(Entry(id="", created=oci.parse_time(h.get("created", "")),
                             created_by=h.get("created_by", ""), size=size,
                             comment=h.get("comment", ""), empty_layer=empty, tags=[]))
    entries.reverse()
    if entries:
        entries[0].id, entries[0].tags = image_id, tags
    return entries
