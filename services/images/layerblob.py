"""A layer blob as the plain tar the unpacker reads, and its diff id.

Layers arrive as tar, tar+gzip or tar+zstd (and docker archives may hold
bzip2 or xz). They are kept in the content store as they came, so that the
manifest and every digest stay the same; unpacking needs the plain tar,
which for a compressed blob is inflated into a temporary file (hashed on the
way: the diff id is the digest of the plain tar) and removed after.
"""
import contextlib
import dataclasses
import hashlib
import os
import pathlib
import tempfile

from common.errors import InvalidArgument
from services.images import decompress, oci

CHUNK = 1 << 20


@dataclasses.dataclass
class PlainTar:
    path: pathlib.Path
    diff_id: str
    size: int
    compression: str  # of the blob: "none", "gzip", "zstd", "bzip2", "xz"


def compression_of(path) -> str:
    with open(path, "rb") as f:
        return decompress.detect(f.read(decompress.MAGIC_LEN))


@contextlib.contextmanager
def plain_tar(blob_path, blob_digest: str, tmp_dir):
    """Yields the blob's PlainTar; a temporary plain copy, if one was
    needed, is removed when the block ends."""
    blob_path = pathlib.Path(blob_path)
    kind = compression_of(blob_path)
    if kind == "none":
        yield PlainTar(blob_path, blob_digest, blob_path.stat().st_size, kind)
        return
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="plain-")
    tmp = pathlib.Path(name)
    try:
        h = hashlib.sha256()
        size = 0
        inflater = decompress.Inflater(kind)
        with open(blob_path, "rb") as src, os.fdopen(fd, "wb") as out:
            while data := src.read(CHUNK):
                for plain in inflater.inflate(data):  # bounded pieces: a bomb fills the disk, not memory
                    h.update(plain)
                    out.write(plain)
                    size += len(plain)
            inflater.close()
        yield PlainTar(tmp, "sha256:" + h.hexdigest(), size, kind)
    finally:
        tmp.unlink(missing_ok=True)


def media_type(compression: str) -> str:
    """The OCI media type for a layer blob stored as it is."""
    try:
        return {"none": oci.MEDIA_LAYER, "gzip": oci.MEDIA_LAYER_GZIP,
                "zstd": oci.MEDIA_LAYER_ZSTD}[compression]
    except KeyError:
        raise InvalidArgument(f"a {compression}-compressed layer has no OCI media type; "
                              "recompress it as gzip or zstd") from None
