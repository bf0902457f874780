"""Unit tests of the content store and the small state files."""
import hashlib

import pytest

from common.errors import InvalidArgument
from services.images import digests
from services.images.content import ContentStore
from services.images.tags import TagStore


def test_write_digests_and_commits_atomically(tmp_path):
    store = ContentStore(tmp_path)
    data = b"hello layer" * 1000
    with store.writer() as w:
        w.write(data[:5000])
        assert not any(store.blob_dir.iterdir())  # nothing visible before commit
        assert len(list(store.ingest_dir.iterdir())) == 1
        w.write(data[5000:])
        digest = w.commit()
    assert digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert store.path(digest).read_bytes() == data
    assert store.size(digest) == len(data)
    assert not any(store.ingest_dir.iterdir())
    assert store.digests() == [digest]


def test_expected_digest_is_verified(tmp_path):
    store = ContentStore(tmp_path)
    good = digests.of_bytes(b"right")
    assert store.put(b"right", expected=good) == good
    with pytest.raises(InvalidArgument, match="digest mismatch"):
        store.put(b"wrong", expected=good.replace(good[-4:], "0000"))
    assert store.digests() == [good]
    assert not any(store.ingest_dir.iterdir())


def test_an_abandoned_write_leaves_nothing(tmp_path):
    store = ContentStore(tmp_path)
    with pytest.raises(RuntimeError):
        with store.writer() as w:
            w.write(b"partial")
            raise RuntimeError("client went away")
    assert not any(store.ingest_dir.iterdir()) and not store.digests()


def test_interrupted_ingest_is_removed_at_start(tmp_path):
    store = ContentStore(tmp_path)
    w = store.writer()
    w.write(b"half a layer")  # the process dies here: no commit, no abort
    assert w.path.exists()
    ContentStore(tmp_path)   # the next start
    assert not w.path.exists() and not ContentStore(tmp_path).digests()


def test_same_content_twice_is_one_blob(tmp_path):
    store = ContentStore(tmp_path)
    assert store.put(b"x") == store.put(b"x")
    assert len(store.digests()) == 1


def test_chain_ids():
    a, b = digests.of_bytes(b"a"), digests.of_bytes(b"b")
    chains = digests.chain_ids([a, b])
    assert chains[0] == a
    assert chains[1] == "sha256:" + hashlib.sha256(f"{a} {b}".encode()).hexdigest()
    with pytest.raises(InvalidArgument):
        digests.chain_ids(["md5:abc"])


def test_tags_survive_a_restart(tmp_path):
    tags = TagStore(tmp_path / "repositories.json")
    assert tags.set("busybox:latest", "sha256:" + "1" * 64) is None
    tags.set("app:1", "sha256:" + "2" * 64)
    (tmp_path / ".repositories.json.xyz.tmp").write_text("{half")  # an interrupted rewrite
    again = TagStore(tmp_path / "repositories.json")
    assert again.all() == {"busybox:latest": "sha256:" + "1" * 64, "app:1": "sha256:" + "2" * 64}
    assert not (tmp_path / ".repositories.json.xyz.tmp").exists()
    again.delete(["app:1"])
    assert TagStore(tmp_path / "repositories.json").tags_of("sha256:" + "2" * 64) == []
