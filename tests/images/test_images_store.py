"""In-process tests of the images domain: import, resolve, remove, snapshots,
concurrency and start-up clean-up, against a real state directory."""
import gzip
import hashlib
import os
import threading
import time

import pytest

from common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.images import importer, layers, remove
from services.images.service import ImageService
from tests.support.tarkit import content_size, reg, simple_rootfs, sym, tar_bytes, tree_files


@pytest.fixture
def svc(tmp_path):
    return ImageService(tmp_path / "images")


def chunks(data: bytes, size: int = 7000):
    return (data[i:i + size] for i in range(0, len(data), size))


def do_import(svc, data, tag="", message=""):
    return importer.import_tar(svc, chunks(data), tag, message)


def test_import_makes_a_one_layer_oci_image(svc):
    data = tar_bytes(simple_rootfs())
    image_id = do_import(svc, data, "app:1", "first")
    v = svc.inspect("app:1")
    diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
    assert v.id == image_id and v.diff_ids == [diff_id] and v.repo_tags == ["app:1"]
    assert (v.architecture, v.os, v.comment) == ("amd64", "linux", "first")
    assert v.size == content_size(simple_rootfs())  # the files' bytes, as Docker counts a layer
    assert abs(v.created - time.time()) < 60
    manifest, config = svc.db.documents(image_id)
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    assert manifest["layers"] == [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                   "digest": diff_id, "size": len(data)}]
    assert config["rootfs"] == {"type": "layers", "diff_ids": [diff_id]}
    assert image_id == "sha256:" + hashlib.sha256(svc.content.path(image_id).read_bytes()).hexdigest()
    # Unpacked at import, once, under its chain id (= diff id for one layer).
    assert (svc.layers.diff_dir(diff_id) / "bin/hello").read_bytes().startswith(b"#!/bin/sh")


def test_gzip_import_stores_the_uncompressed_layer(svc):
    data = tar_bytes(simple_rootfs())
    image_id = do_import(svc, gzip.compress(data), "zipped")
    v = svc.inspect("zipped:latest")
    assert v.id == image_id
    assert v.diff_ids == ["sha256:" + hashlib.sha256(data).hexdigest()]
    assert svc.content.path(v.diff_ids[0]).read_bytes() == data


@pytest.mark.parametrize("payload", [b"not a tar, just text\n" * 50, b"", b"\x1f\x8b garbage"])
def test_refused_import_stores_nothing(svc, payload):
    before = tree_files(svc.state)
    with pytest.raises(InvalidArgument):
        do_import(svc, payload, "nope")
    assert tree_files(svc.state) == before
    with pytest.raises(NotFound):
        svc.inspect("nope")


def test_import_with_a_bad_name_is_refused_before_reading(svc):
    def never():
        raise AssertionError("data was read")
        yield b""
    with pytest.raises(InvalidArgument, match="lowercase"):
        importer.import_tar(svc, never(), "Bad/Name")


def test_resolve_forms_and_not_found_message(svc):
    image_id = do_import(svc, tar_bytes(simple_rootfs()), "app")
    hexid = image_id[7:]
    for text in ("app", "app:latest", "docker.io/library/app", image_id, hexid, hexid[:4], "sha256:" + hexid[:8]):
        assert svc.inspect(text).id == image_id, text
    manifest_digest = svc.db.manifest_digest(image_id)
    assert svc.inspect(f"app@{manifest_digest}").id == image_id
    with pytest.raises(NotFound, match="No such image: foo:latest"):
        svc.inspect("foo")
    with pytest.raises(NotFound, match="No such image: app:2"):
        svc.inspect("app:2")
    with pytest.raises(InvalidArgument):
        svc.inspect("UPPER")


def test_untag_keeps_an_image_with_other_tags_and_last_tag_deletes(svc):
    image_id = do_import(svc, tar_bytes(simple_rootfs()), "app:1")
    svc.tag("app:1", "app:2")
    assert svc.inspect(image_id).repo_tags == ["app:1", "app:2"]
    assert remove.remove(svc, "app:1") == (["app:1"], [])
    assert svc.inspect(image_id).repo_tags == ["app:2"]
    diff_id = svc.inspect(image_id).diff_ids[0]
    manifest_digest = svc.db.manifest_digest(image_id)
    untagged, deleted = remove.remove(svc, "app:2")
    assert untagged == ["app:2"] and deleted == [image_id, diff_id]
    for digest in (image_id, manifest_digest, diff_id):
        assert not svc.content.exists(digest)
    assert not svc.layers.path(diff_id).exists()
    assert not any(svc.layers.tmp.iterdir())
    with pytest.raises(NotFound):
        svc.inspect(image_id)


def test_remove_by_id_with_several_tags_needs_force(svc):
    image_id = do_import(svc, tar_bytes(simple_rootfs()), "a")
    svc.tag("a", "b")
    with pytest.raises(FailedPrecondition, match="referenced in multiple repositories"):
        remove.remove(svc, image_id[7:19])
    untagged, deleted = remove.remove(svc, image_id[7:19], force=True)
    assert untagged == ["a:latest", "b:latest"] and deleted[0] == image_id


def test_a_layer_shared_by_two_images_stays_until_both_go(svc):
    data = tar_bytes(simple_rootfs())
    first = do_import(svc, data, "one")
    second = do_import(svc, data, "two")
    assert first != second  # a new config (creation time) each import, as docker import
    diff_id = svc.inspect(first).diff_ids[0]
    assert remove.remove(svc, "one")[1] == [first]
    assert svc.content.exists(diff_id) and svc.layers.exists(diff_id)
    assert remove.remove(svc, "two")[1] == [second, diff_id]
    assert not svc.content.exists(diff_id) and not svc.layers.exists(diff_id)


def test_snapshot_lifecycle_and_image_in_use(svc):
    image_id = do_import(svc, tar_bytes(simple_rootfs()), "app")
    cid = "c0ffee" * 10 + "abcd"
    snap = svc.prepare_snapshot("app", cid)
    assert snap["image_id"] == image_id
    assert snap["lower_dirs"] == [str(svc.layers.diff_dir(svc.inspect(image_id).diff_ids[0]))]
    assert os.path.isdir(snap["upper_dir"]) and os.path.isdir(snap["work_dir"])
    assert svc.prepare_snapshot("app", cid) == snap  # idempotent
    assert svc.prepare_snapshot(image_id, cid) == snap
    with pytest.raises(FailedPrecondition, match=f'unable to remove repository reference "app:latest" '
                                                 rf"\(must force\) - container {cid[:12]} is using"):
        remove.remove(svc, "app")
    with pytest.raises(FailedPrecondition):
        remove.remove(svc, image_id)
    assert remove.remove(svc, "app", force=True) == (["app:latest"], [])
    assert svc.inspect(image_id).repo_tags == []  # dangling, kept for the container
    svc.remove_snapshot(cid)
    svc.remove_snapshot(cid)  # idempotent
    assert not os.path.exists(os.path.dirname(snap["upper_dir"]))
    assert remove.remove(svc, image_id)[1][0] == image_id


def test_snapshot_of_another_image_for_the_same_container_is_refused(svc):
    do_import(svc, tar_bytes(simple_rootfs()), "a")
    do_import(svc, tar_bytes([reg("other", b"x")]), "b")
    svc.prepare_snapshot("a", "ctr")
    with pytest.raises(AlreadyExists):
        svc.prepare_snapshot("b", "ctr")
    with pytest.raises(InvalidArgument):
        svc.prepare_snapshot("a", "../escape")


def test_concurrent_snapshots_unpack_a_shared_layer_once(svc, monkeypatch):
    data = tar_bytes(simple_rootfs())
    ids = [do_import(svc, data, f"img{i}") for i in range(3)]
    diff_id = svc.inspect(ids[0]).diff_ids[0]
    svc.layers.purge(svc.layers.detach(diff_id))  # as if it had never been unpacked
    calls = []
    real = layers.unpack

    def slow_unpack(src, dest):
        calls.append(dest)
        time.sleep(0.2)  # long enough for every thread to arrive while it runs
        return real(src, dest)
    monkeypatch.setattr(layers, "unpack", slow_unpack)
    results, errors = [], []

    def prepare(i):
        try:
            results.append(svc.prepare_snapshot(f"img{i % 3}", f"ctr{i}"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=prepare, args=(i,)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(calls) == 1
    assert {tuple(r["lower_dirs"]) for r in results} == {(str(svc.layers.diff_dir(diff_id)),)}


def test_start_removes_what_a_crash_left(tmp_path):
    svc = ImageService(tmp_path / "images")
    image_id = do_import(svc, tar_bytes(simple_rootfs()), "keep")
    svc.prepare_snapshot("keep", "live")
    state = svc.state
    (state / "ingest" / "w-interrupted").write_bytes(b"half")
    (state / "tmp" / "unpack-xyz" / "diff").mkdir(parents=True)
    orphan_blob = state / "blobs/sha256" / ("0" * 64)
    orphan_blob.write_bytes(b"nobody refers to me")
    orphan_layer = state / "layers" / ("1" * 64) / "diff"
    orphan_layer.mkdir(parents=True)
    (state / "snapshots" / "half-made" / "upper").mkdir(parents=True)
    svc = ImageService(state)
    assert not any((state / "ingest").iterdir()) and not any((state / "tmp").iterdir())
    assert not orphan_blob.exists() and not orphan_layer.parent.exists()
    assert not (state / "snapshots" / "half-made").exists()
    assert svc.inspect("keep").id == image_id and svc.snapshots.get("live") is not None
    assert svc.layers.exists(svc.inspect("keep").diff_ids[0])


def test_list_shows_every_image(svc):
    a = do_import(svc, tar_bytes(simple_rootfs()), "a")
    b = do_import(svc, tar_bytes([reg("x", b"1"), sym("y", "x")]))
    views = {v.id: v for v in svc.list_images()}
    assert set(views) == {a, b}
    assert views[a].repo_tags == ["a:latest"] and views[b].repo_tags == []
    assert all(v.size > 0 and v.diff_ids for v in views.values())


def test_a_damaged_image_is_listed_and_can_be_removed(svc):
    image_id = do_import(svc, tar_bytes(simple_rootfs()), "broken")
    svc.content.delete(image_id)  # its config blob is lost (disk trouble)
    svc.db._docs.clear()
    (view,) = svc.list_images()
    assert view.id == image_id and "damaged" in view.comment
    with pytest.raises(FailedPrecondition, match="damaged"):
        svc.prepare_snapshot("broken", "c1")
    assert remove.remove(svc, "broken")[1][0] == image_id
    assert svc.list_images() == []
    assert svc.content.digests() == [] and svc.layers.chain_ids() == []
