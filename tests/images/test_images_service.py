"""The real images service: started as `python -m services.images` in a
subprocess on a private root, called over its unix socket."""
import gzip
import hashlib
import os
import pathlib

import grpc
import pytest

from doca.images.v1 import images_pb2 as pb
from services.images import builtin
from services.images.service import ImageService
from tests.support.tarkit import (ServiceProcess, content_size, hard, import_chunks, reg, simple_rootfs, sym, tar_bytes, tree_files)

CID = "4f" * 32


@pytest.fixture
def service(tmp_path):
    svc = ServiceProcess(tmp_path / "root")
    try:
        yield svc.start()
    finally:
        svc.close()


def code_of(call, *args, **kw):
    with pytest.raises(grpc.RpcError) as err:
        call(*args, **kw)
    return err.value.code(), err.value.details()


def unpacked_busybox_files(state: pathlib.Path) -> list[pathlib.Path]:
    return [p for p in state.rglob("busybox") if p.parent.name == "bin" and p.is_file()
            and not p.is_symlink()]


def test_fresh_store_has_busybox_with_a_stable_digest(service, tmp_path):
    img = service.stub.Inspect(pb.InspectRequest(reference="busybox"))
    assert list(img.repo_tags) == ["busybox:latest"]
    assert list(img.config.cmd) == ["sh"]
    assert list(img.config.env) == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    assert (img.architecture, img.os, len(img.diff_ids)) == ("amd64", "linux", 1)
    assert img.id.startswith("sha256:") and img.size > 1_000_000
    # Another store on the same host gets the very same image.
    other = ImageService(tmp_path / "other" / "images")
    assert builtin.seed(other) == img.id
    assert [i.id for i in service.stub.List(pb.ListRequest()).images] == [img.id]


def test_import_tar_and_tar_gz_then_inspect(service):
    data = tar_bytes(simple_rootfs())
    diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
    plain = service.stub.Import(import_chunks(data, "app:1", "plain import", chunk=1000))
    assert list(plain.repo_tags) == ["app:1"] and list(plain.diff_ids) == [diff_id]
    assert plain.comment == "plain import" and plain.size == content_size(simple_rootfs())
    zipped = service.stub.Import(import_chunks(gzip.compress(data), "app:gz"))
    assert list(zipped.diff_ids) == [diff_id] and zipped.id != plain.id
    untagged = service.stub.Import(import_chunks(data))
    assert list(untagged.repo_tags) == []
    got = service.stub.Inspect(pb.InspectRequest(reference="app:1"))
    assert got == plain
    assert service.stub.Inspect(pb.InspectRequest(reference=plain.id[7:17])).id == plain.id
    assert service.stub.Inspect(pb.InspectRequest(reference=plain.id)).id == plain.id
    assert got.created.seconds > 0 and got.manifest_digest.startswith("sha256:")
    listed = {i.id: i for i in service.stub.List(pb.ListRequest()).images}
    assert {plain.id, zipped.id, untagged.id} < set(listed)
    assert listed[zipped.id].repo_tags == ["app:gz"]


def test_remove_untags_then_deletes_and_refuses_while_a_snapshot_uses_it(service, tmp_path):
    data = tar_bytes(simple_rootfs())
    img = service.stub.Import(import_chunks(data, "app:1"))
    tagged = service.stub.Tag(pb.TagRequest(source="app:1", target="app:2"))
    assert tagged.id == img.id and list(tagged.repo_tags) == ["app:1", "app:2"]
    resp = service.stub.Remove(pb.RemoveRequest(reference="app:1"))
    assert (list(resp.untagged), list(resp.deleted)) == (["app:1"], [])
    assert list(service.stub.Inspect(pb.InspectRequest(reference=img.id)).repo_tags) == ["app:2"]

    service.stub.PrepareSnapshot(pb.PrepareSnapshotRequest(image="app:2", container_id=CID))
    code, details = code_of(service.stub.Remove, pb.RemoveRequest(reference="app:2"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert details == (f'conflict: unable to remove repository reference "app:2" (must force) - container '
                       f"{CID[:12]} is using its referenced image {img.id[7:19]}")
    resp = service.stub.Remove(pb.RemoveRequest(reference="app:2", force=True))
    assert (list(resp.untagged), list(resp.deleted)) == (["app:2"], [])
    assert service.stub.Inspect(pb.InspectRequest(reference=img.id)).id == img.id  # kept, untagged
    code, _ = code_of(service.stub.Remove, pb.RemoveRequest(reference=img.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION

    service.stub.RemoveSnapshot(pb.RemoveSnapshotRequest(container_id=CID))
    resp = service.stub.Remove(pb.RemoveRequest(reference=img.id))
    assert list(resp.deleted) == [img.id, img.diff_ids[0]]
    code, _ = code_of(service.stub.Inspect, pb.InspectRequest(reference=img.id))
    assert code == grpc.StatusCode.NOT_FOUND
    blobs = {p.name for p in (service.state / "blobs/sha256").iterdir()}
    assert img.id[7:] not in blobs and img.diff_ids[0][7:] not in blobs
    assert not (service.state / "layers" / img.diff_ids[0][7:]).exists()


def test_snapshots_share_one_unpacked_layer_and_are_removed(service):
    snaps = [service.stub.PrepareSnapshot(pb.PrepareSnapshotRequest(image="busybox", container_id=f"c{i}"))
             for i in range(3)]
    lowers = {tuple(s.lower_dirs) for s in snaps}
    assert len(lowers) == 1
    (lower,) = lowers.pop()
    assert lower.startswith(str(service.state / "layers")) and lower.endswith("/diff")
    assert os.path.isfile(os.path.join(lower, "bin/busybox"))
    assert unpacked_busybox_files(service.state) == [pathlib.Path(lower, "bin/busybox")]
    uppers = {s.upper_dir for s in snaps} | {s.work_dir for s in snaps}
    assert len(uppers) == 6 and all(os.path.isdir(d) for d in uppers)
    for s in snaps:  # what the runtime mounts: one overlay of the same directories
        assert [(m.type, m.source, list(m.options)) for m in s.mounts] == [
            ("overlay", "overlay", [f"lowerdir={lower}", f"upperdir={s.upper_dir}", f"workdir={s.work_dir}"])]
    again = service.stub.PrepareSnapshot(pb.PrepareSnapshotRequest(image="busybox", container_id="c0"))
    assert again == snaps[0]  # idempotent
    for i in range(3):
        service.stub.RemoveSnapshot(pb.RemoveSnapshotRequest(container_id=f"c{i}"))
    service.stub.RemoveSnapshot(pb.RemoveSnapshotRequest(container_id="c0"))  # missing is fine
    assert not any(os.path.exists(d) for d in uppers)
    assert not any((service.state / "snapshots").iterdir())
    assert os.path.isdir(lower)  # layers stay with their image


HOSTILE = {
    "dotdot": lambda out: [reg("../../../../../../.." + str(out / "dotdot"), b"pwned")],
    "absolute": lambda out: [reg(str(out / "absolute"), b"pwned")],
    "symlink escape": lambda out: [sym("evil", "../../../../../../../../../.." + str(out)),
                                   reg("evil/through-symlink", b"pwned")],
    "absolute symlink": lambda out: [sym("evil", str(out)), reg("evil/through-abs-symlink", b"pwned")],
    "hardlink outside": lambda out: [hard("pw", "../../../../../../../../../.." + str(out / "victim"))],
    "hardlink absolute": lambda out: [hard("pw", str(out / "victim"))],
}


def test_hostile_tars_are_refused_and_leave_nothing(service, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("keep me")
    before = tree_files(service.state)
    for name, members in HOSTILE.items():
        data = tar_bytes([reg("ok", b"fine")] + members(outside))
        code, details = code_of(service.stub.Import, import_chunks(data, "evil"))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, name
        assert "refusing tar member" in details, (name, details)
        assert tree_files(outside) == ["victim"], name
        assert (outside / "victim").stat().st_nlink == 1, name
        assert tree_files(service.state) == before, name
    code, _ = code_of(service.stub.Inspect, pb.InspectRequest(reference="evil"))
    assert code == grpc.StatusCode.NOT_FOUND


def test_non_tar_and_malformed_imports_are_refused(service):
    before = tree_files(service.state)
    for payload in (b"just some text, certainly not a tar\n" * 40, gzip.compress(b"text in a gzip\n" * 40)):
        code, details = code_of(service.stub.Import, import_chunks(payload, "junk"))
        assert code == grpc.StatusCode.INVALID_ARGUMENT and "not a tar" in details
    code, _ = code_of(service.stub.Import, iter([pb.ImportChunk(data=b"no header first")]))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    code, details = code_of(service.stub.Import, import_chunks(tar_bytes(simple_rootfs()), "Not Valid"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "invalid reference format" in details
    assert tree_files(service.state) == before


def test_not_found_and_invalid_references(service):
    code, details = code_of(service.stub.Inspect, pb.InspectRequest(reference="foo"))
    assert code == grpc.StatusCode.NOT_FOUND and details == "No such image: foo:latest"
    code, details = code_of(service.stub.Inspect, pb.InspectRequest(reference="sha256:" + "f" * 64))
    assert code == grpc.StatusCode.NOT_FOUND and "f" * 64 in details
    code, _ = code_of(service.stub.Inspect, pb.InspectRequest(reference="Foo Bar"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    code, details = code_of(service.stub.Remove, pb.RemoveRequest(reference="ghost:1"))
    assert code == grpc.StatusCode.NOT_FOUND and "ghost:1" in details
    code, details = code_of(service.stub.PrepareSnapshot,
                            pb.PrepareSnapshotRequest(image="ghost", container_id="c1"))
    assert code == grpc.StatusCode.NOT_FOUND and "ghost:latest" in details
    code, _ = code_of(service.stub.PrepareSnapshot,
                      pb.PrepareSnapshotRequest(image="busybox", container_id="../x"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT


def test_interrupted_work_is_cleaned_at_start(service):
    service.stub.PrepareSnapshot(pb.PrepareSnapshotRequest(image="busybox", container_id="live"))
    service.stop()
    state = service.state
    leftovers = [state / "ingest" / "w-interrupted", state / "tmp" / "unpack-crashed" / "diff" / "half",
                 state / "snapshots" / "never-finished" / "upper" / "x"]
    for p in leftovers:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"left by a crash")
    service.start()
    assert not any(p.exists() for p in leftovers)
    assert not (state / "snapshots" / "never-finished").exists()
    assert (state / "snapshots" / "live" / "upper").is_dir()
    assert service.stub.Inspect(pb.InspectRequest(reference="busybox")).repo_tags == ["busybox:latest"]


def test_rmi_busybox_is_not_undone_by_a_restart(service):
    resp = service.stub.Remove(pb.RemoveRequest(reference="busybox"))
    assert list(resp.untagged) == ["busybox:latest"] and len(resp.deleted) >= 1
    service.stop()
    service.start()
    assert list(service.stub.List(pb.ListRequest()).images) == []
    assert not any((service.state / "blobs" / "sha256").iterdir())
