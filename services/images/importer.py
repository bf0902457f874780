"""Import: a root filesystem tar (plain or compressed) becomes a one-layer
image, like `docker import`.

The bytes are inflated and digested on the way into an ingest file; the tar
is then unpacked (which checks it member by member). Only when both worked
is the blob committed and the image recorded: a refused tar (not a tar, a
member escaping the layer) leaves nothing in the store.
"""
import time
from typing import Iterable

from common.errors import InvalidArgument
from services.images import changes as changes_mod
from common import reference
from services.images import decompress, oci
from services.images.service import ImageService

CREATED_BY = "doca import"


def parse_tag(text: str) -> reference.Reference | None:
    if not text:
        return None
    ref = reference.parse(text)
    if ref.digest:
        raise InvalidArgument(f"cannot tag an import as {text!r}: a tag cannot contain a digest")
    return ref


def import_tar(svc: ImageService, data: Iterable[bytes], tag: str = "", message: str = "",
               changes=()) -> str:
    """Imports the tar carried by `data` (chunks); returns the image id.
    `changes`: Dockerfile instructions for the config (import -c)."""
    ref = parse_tag(tag)  # refuse a bad name or change before reading any data
    config = changes_mod.apply_all({}, changes)
    with svc.content.writer() as writer:
        _ingest(writer, data)
        diff_id = writer.finish()
        # A one-layer image: its chain id is its diff id.
        with svc.pinned(blobs=[diff_id], layers=[diff_id]):
            svc.layers.ensure(diff_id, diff_id, None, writer.path)
            writer.commit()
            created = time.time()
            history = [{"created": oci.rfc3339(created), "created_by": CREATED_BY}]
            if message:
                history[0]["comment"] = message
            return svc.create_image(diff_ids=[diff_id], created=created, history=history,
                                    config=config, tag=ref)


def _ingest(writer, data: Iterable[bytes]) -> None:
    head = b""
    inflater = None
    for chunk in data:
        if inflater is None:
            head += chunk
            if len(head) < decompress.MAGIC_LEN:
                continue  # too few bytes yet to tell the format
            inflater = decompress.Inflater(decompress.detect(head))
            chunk, head = head, b""
        for piece in inflater.inflate(chunk):  # bounded pieces, whatever the ratio
            writer.write(piece)
    if inflater is None:  # the whole stream was shorter than a magic number
        if not head:
            raise InvalidArgument("no data to import: send the tar after the header")
        inflater = decompress.Inflater(decompress.detect(head))
        for piece in inflater.inflate(head):
            writer.write(piece)
    inflater.close()
