"""Garbage collection by references: tags, container snapshots and the
build cache's lease keep images from `image prune`; blobs and unpacked
layers go exactly when no remaining image needs them."""
from services.images import importer, prune
from services.images.leases import BUILD_CACHE
from services.images.service import ImageService
from tests.support.tarkit import reg, simple_rootfs, tar_bytes


def _import(svc, data, tag=""):
    return importer.import_tar(svc, iter([data]), tag)


def test_references_decide_what_prune_removes(tmp_path):
    svc = ImageService(tmp_path / "images")
    tagged = _import(svc, tar_bytes(simple_rootfs()), "app:1")
    cached = _import(svc, tar_bytes([reg("cache", b"intermediate")]))
    used = _import(svc, tar_bytes([reg("used", b"by a container")]))
    dangling = _import(svc, tar_bytes([reg("nobody", b"uses me")]))
    svc.leases.add(BUILD_CACHE, cached)
    svc.prepare_snapshot(used, "ctr1")

    r = prune.prune(svc)
    assert r.deleted[0] == dangling and r.space_reclaimed == len(b"uses me")
    assert set(svc.db.ids()) == {tagged, cached, used}

    r = prune.prune(svc, all_images=True)
    assert r.untagged == ["app:1"] and r.deleted[0] == tagged
    assert set(svc.db.ids()) == {cached, used}

    # A restart (which collects garbage) keeps what the lease and the snapshot hold.
    svc = ImageService(svc.state)
    for image_id in (cached, used):
        for digest in [image_id] + svc.inspect(image_id).diff_ids:
            assert svc.content.exists(digest)
        assert svc.layers.exists(svc.inspect(image_id).diff_ids[0])

    svc.leases.release(BUILD_CACHE)
    svc.remove_snapshot("ctr1")
    prune.prune(svc, all_images=True)
    assert svc.db.ids() == [] and svc.content.digests() == [] and svc.layers.chain_ids() == []
    assert ImageService(svc.state).leases.images() == set()
