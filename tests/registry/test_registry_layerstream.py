"""The pull's streamed layer (streamunpack.LayerStream) on its own, into a
real LayerStore: the blob's bytes go in as they would come off the network,
in pieces of any size; the diff id it reports is the plain tar's sha256
whatever the compression; the layer lands only on finish(True), and
whatever is wrong (a refused blob, a corrupt or cut compressed stream, a
blob that is not a tar) leaves nothing in the store. Sparse members (GNU
tar's two formats) come through the forward-only reader too."""
import gzip
import os
import subprocess

import pytest
import zstandard

from common.errors import InvalidArgument
from services.images import digests
from services.images.layers import LayerStore
from services.images.registry.streamunpack import LayerStream
from tests.support.tarkit import reg, tar_bytes

BIG = os.urandom(3 << 20)  # incompressible: several chunks whatever the compression
PLAIN = tar_bytes([reg("etc/hello", b"hello"), reg("data/big", BIG), reg("data/round", b"r" * 4096)])
DIFF_ID = digests.of_bytes(PLAIN)


def _compress(kind: str, data: bytes) -> bytes:
    if kind == "gzip":
        return gzip.compress(data, compresslevel=1, mtime=0)
    if kind == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


def _pieces(blob: bytes, split: str):
    """`bytes`: the first 16 bytes one at a time (the compression is told
    from the first bytes, across pieces), then 64 KiB; `chunks`: 1 MiB."""
    if split == "bytes":
        yield from (blob[i:i + 1] for i in range(16))
        yield from (blob[i:i + (1 << 16)] for i in range(16, len(blob), 1 << 16))
    else:
        yield from (blob[i:i + (1 << 20)] for i in range(0, len(blob), 1 << 20))


@pytest.fixture
def store(tmp_path):
    return LayerStore(tmp_path / "layers", tmp_path / "tmp")


def _stream(store, blob: bytes, split: str = "chunks", diff_id: str = DIFF_ID) -> LayerStream:
    stream = LayerStream(store, diff_id, diff_id, None)
    for piece in _pieces(blob, split):
        stream.write(piece)
    return stream


def _left_behind(store) -> list:
    return sorted(p.name for p in store.tmp.iterdir())


@pytest.mark.parametrize("split", ["bytes", "chunks"])
@pytest.mark.parametrize("kind", ["gzip", "zstd", "none"])
def test_layer_lands_with_its_diff_id(store, kind, split):
    blob = _compress(kind, PLAIN)
    stream = _stream(store, blob, split)
    diff_id = stream.end() or digests.of_bytes(blob)  # None: not compressed, the blob is the tar
    assert diff_id == DIFF_ID
    stream.finish(True)
    assert stream.unpacked
    diff = store.diff_dir(DIFF_ID)
    assert (diff / "etc/hello").read_bytes() == b"hello"
    assert (diff / "data/big").read_bytes() == BIG
    assert (diff / "data/round").read_bytes() == b"r" * 4096
    assert store.size(DIFF_ID) == 5 + len(BIG) + 4096
    assert _left_behind(store) == []


def test_refused_layer_leaves_nothing(store):
    stream = _stream(store, _compress("gzip", PLAIN))
    assert stream.end() == DIFF_ID
    stream.finish(False)  # the blob's digest was wrong, say
    assert not store.exists(DIFF_ID) and _left_behind(store) == []


def test_stream_given_up_halfway_leaves_nothing(store):
    blob = _compress("gzip", PLAIN)
    stream = LayerStream(store, DIFF_ID, DIFF_ID, None)
    stream.write(blob[:len(blob) // 2])
    stream.finish(False)  # the download failed: no end(), no more bytes
    assert not store.exists(DIFF_ID) and _left_behind(store) == []


@pytest.mark.parametrize("damage", ["flipped", "cut"])
def test_corrupt_compressed_stream_is_an_error(store, damage):
    blob = bytearray(_compress("gzip", PLAIN))
    if damage == "flipped":
        blob[len(blob) // 2] ^= 0xFF  # the gzip trailer's CRC no longer matches
    else:
        blob = blob[:len(blob) - 100]
    stream = _stream(store, bytes(blob))
    with pytest.raises(InvalidArgument, match="gzip data"):
        stream.end()
    stream.finish(False)
    assert not store.exists(DIFF_ID) and _left_behind(store) == []


def test_not_a_tar_still_gives_its_diff_id_then_fails(store):
    junk = b"this is not a tar archive at all\n" * 50_000
    stream = _stream(store, _compress("gzip", junk))
    assert stream.end() == digests.of_bytes(junk)  # hashed to the end although unpacking stopped
    with pytest.raises(InvalidArgument, match="not a tar"):
        stream.finish(True)
    assert not store.exists(DIFF_ID) and _left_behind(store) == []


def test_layer_there_already_is_not_unpacked_again(store):
    first = _stream(store, _compress("gzip", PLAIN))
    first.end()
    first.finish(True)
    before = (store.diff_dir(DIFF_ID) / "data/big").stat().st_ino
    second = _stream(store, _compress("zstd", PLAIN))  # same layer, another blob
    assert second.end() == DIFF_ID
    second.finish(True)
    assert not second.unpacked
    assert (store.diff_dir(DIFF_ID) / "data/big").stat().st_ino == before
    assert _left_behind(store) == []


@pytest.mark.parametrize("fmt", ["gnu", "posix"])
def test_sparse_member_through_the_stream(store, tmp_path, fmt):
    """tarfile fills a sparse file's holes itself, reading forward only."""
    src = tmp_path / "src"
    src.mkdir()
    with open(src / "sparse", "wb") as f:
        f.seek(5 << 20)
        f.write(b"middle")
        f.seek(12 << 20)
        f.write(b"end")
    plain = subprocess.run(["tar", "--sparse", f"--format={fmt}", "-cf", "-", "-C", str(src), "sparse"],
                           check=True, capture_output=True).stdout
    diff_id = digests.of_bytes(plain)
    stream = _stream(store, _compress("gzip", plain), diff_id=diff_id)
    assert stream.end() == diff_id
    stream.finish(True)
    assert (store.diff_dir(diff_id) / "sparse").read_bytes() == (src / "sparse").read_bytes()
