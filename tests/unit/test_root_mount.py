"""A container's root mount from the images service's description to the
shim's input: described once (common/overlay_mount.py), checked at the
runtime's door, given to the shim as it is; a record older than the
description gets the same mount from its directories. The shim's fsconfig
path and the userns idmapping take the description's lowerdir apart."""
import pytest

from common import overlay_mount
from common.errors import InvalidArgument
from doca.runtime.v1 import runtime_pb2 as rpb
from services.images.snapshots import described
from services.runtime import model, overlay_linux, request_checks, root_mount

LOWER = ["/var/lib/doca/images/layers/b/diff", "/var/lib/doca/images/layers/a/diff"]  # top first
UPPER, WORK = "/var/lib/doca/images/snapshots/c1/upper", "/var/lib/doca/images/snapshots/c1/work"
OPTIONS = [f"lowerdir={LOWER[0]}:{LOWER[1]}", f"upperdir={UPPER}", f"workdir={WORK}"]


def test_the_images_service_describes_one_overlay():
    rec = {"container_id": "c1", "image_id": "sha256:" + "1" * 64, "chain_ids": [], "created": 1.0,
           "upper_dir": UPPER, "work_dir": WORK}
    snap = described(rec, LOWER)
    assert snap == {"container_id": "c1", "image_id": rec["image_id"], "lower_dirs": LOWER, "upper_dir": UPPER,
                    "work_dir": WORK, "mounts": [{"type": "overlay", "source": "overlay", "options": OPTIONS}]}


def test_the_runtime_gives_the_shim_the_mount_as_described():
    given = {"type": "overlay", "source": "overlay", "options": OPTIONS}
    rootfs = model.from_json(model.Rootfs, {"lowerDirs": ["/x"], "upperDir": "/y", "workDir": "/z", "mounts": [given]})
    assert root_mount.of(rootfs) == given


def test_a_record_from_before_the_description_mounts_the_same():
    old = model.from_json(model.Rootfs, {"lowerDirs": LOWER, "upperDir": UPPER, "workDir": WORK, "readonly": False})
    assert root_mount.of(old) == overlay_mount.overlay(LOWER, UPPER, WORK) == \
        {"type": "overlay", "source": "overlay", "options": OPTIONS}


def test_the_shim_splits_the_layers_for_fsconfig():
    assert overlay_linux.fs_options(OPTIONS) == [("lowerdir+", LOWER[0]), ("lowerdir+", LOWER[1]),
                                                 ("upperdir", UPPER), ("workdir", WORK)]


def _mount(type_="overlay", source="overlay", options=OPTIONS):
    return rpb.Mount(type=type_, source=source, options=options)


def test_root_mounts_are_checked():
    request_checks.root_mounts([])  # an older client's: the directories' overlay
    request_checks.root_mounts([_mount()])
    bad = [
        ([_mount(), _mount()], "one mount, not 2"),
        ([_mount(type_="bind")], "unsupported root mount type 'bind'"),
        ([_mount(source="")], "root mount source"),
        ([_mount(options=[*OPTIONS, "index=on"])], "unsupported root mount option 'index=on'"),
        ([_mount(options=["lowerdir"])], "unsupported root mount option"),
        ([_mount(options=["lowerdir=/a,upperdir=/b"])], "may not contain ','"),
        ([_mount(options=["lowerdir=/a:relative"])], "an absolute path"),
        ([_mount(options=["upperdir=/a:/b"])], "may not contain ':'"),
        ([_mount(options=["workdir=/a/../etc"])], "an absolute path"),
    ]
    for mounts, message in bad:
        with pytest.raises(InvalidArgument, match=message):
            request_checks.root_mounts(mounts)
