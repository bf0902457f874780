"""The built-in busybox:latest image, made from the host's busybox-static."""
import io
import os
import stat
import tarfile

import pytest

from services.images import builtin, remove
from services.images.service import ImageService
from tests.support.tarkit import simple_rootfs, tar_bytes


pytestmark = pytest.mark.skipif(not os.access(builtin.BUSYBOX, os.X_OK),
                                reason="needs busybox-static (/bin/busybox): make host")


def test_the_tar_is_deterministic_and_complete():
    data, version = builtin.rootfs_tar()
    again, _ = builtin.rootfs_tar()
    assert data == again
    assert version.startswith("BusyBox v")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        by_name = {m.name: m for m in members}
        passwd = tar.extractfile("etc/passwd").read().decode()
    assert names == sorted(names)
    assert {(m.uid, m.gid, m.mtime) for m in members} == {(0, 0, builtin.EPOCH)}
    assert by_name["bin/busybox"].isreg() and by_name["bin/busybox"].mode == 0o755
    assert by_name["usr/bin/awk"].issym() and by_name["usr/bin/awk"].linkname == "../../bin/busybox"
    assert by_name["bin/sh"].linkname == "busybox"
    assert by_name["sbin/ifconfig"].linkname == "../bin/busybox"
    applets = builtin.applets()
    assert len(applets) > 100
    assert all(by_name[a].issym() or a == "bin/busybox" for a in applets)
    assert all(not m.linkname.startswith("/") for m in members)
    assert by_name["tmp"].mode == 0o1777 and by_name["tmp"].isdir()
    for d in ("root", "proc", "sys", "dev", "home", "var", "etc"):
        assert by_name[d].isdir(), d
    assert passwd.startswith("root:x:0:0:root:/root:/bin/sh\n") and "\nnobody:" in passwd
    assert "etc/group" in by_name and "etc/hosts" in by_name


def test_seeded_once_per_store(tmp_path):
    svc = ImageService(tmp_path / "images")
    image_id = builtin.seed(svc)
    v = svc.inspect("busybox")
    assert v.id == image_id and v.repo_tags == ["busybox:latest"]
    assert v.config["cmd"] == ["sh"]
    assert v.config["env"] == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    assert builtin.seed(ImageService(tmp_path / "images")) is None  # marker: not again
    remove.remove(svc, "busybox")
    builtin.seed(ImageService(tmp_path / "images"))
    assert ImageService(tmp_path / "images").list_images() == []  # rmi stays done

    other = ImageService(tmp_path / "other")
    assert builtin.seed(other) == image_id  # same busybox, same image id, any store


def test_seeding_never_takes_over_an_existing_tag(tmp_path):
    from services.images import importer
    svc = ImageService(tmp_path / "images")
    mine = importer.import_tar(svc, iter([tar_bytes(simple_rootfs())]), "busybox")
    builtin.seed(svc)
    assert svc.inspect("busybox").id == mine
    assert [v.id for v in svc.list_images()] == [mine]  # and no dangling copy beside it


def test_unpacked_busybox_runs_applets_through_relative_links(tmp_path):
    svc = ImageService(tmp_path / "images")
    builtin.seed(svc)
    snap = svc.prepare_snapshot("busybox", "c1")
    (lower,) = snap["lower_dirs"]
    st = os.lstat(os.path.join(lower, "usr/bin/awk"))
    assert stat.S_ISLNK(st.st_mode)
    assert os.path.realpath(os.path.join(lower, "usr/bin/awk")) == os.path.join(lower, "bin/busybox")
    assert stat.S_IMODE(os.lstat(os.path.join(lower, "tmp")).st_mode) == 0o1777
