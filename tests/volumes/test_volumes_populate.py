"""The copy of an image's directory into an empty volume (services/volumes/
populate.py), against layer directories made as the images service unpacks
them: overlay whiteouts (0/0 character devices) and opaque directories."""
import os
import stat

import pytest

from common.overlayfs import OPAQUE_XATTR
from services.volumes.populate import populate


def _layer(root, name, files: dict):
    """files: relative path -> str (a file), None (a whiteout), "<dir>",
    "<opaque>", or ("link", target)."""
    base = root / name
    base.mkdir()
    for rel, what in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if what is None:
            os.mknod(path, stat.S_IFCHR | 0o600, 0)
        elif what in ("<dir>", "<opaque>"):
            path.mkdir(exist_ok=True)
            if what == "<opaque>":
                os.setxattr(path, OPAQUE_XATTR, b"y")
        elif isinstance(what, tuple):
            os.symlink(what[1], path)
        else:
            path.write_text(what)
    return str(base)


def _tree(d) -> dict:
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = os.path.join(root, name)
            rel = os.path.relpath(p, d)
            out[rel] = ("link", os.readlink(p)) if os.path.islink(p) else (
                "<dir>" if os.path.isdir(p) else open(p).read())
    return out


@pytest.fixture
def vol(tmp_path):
    v = tmp_path / "vol"
    v.mkdir()
    return v


def test_layers_merge_with_whiteouts_and_opaque_dirs(tmp_path, vol):
    base = _layer(tmp_path, "l1", {"etc/app/a.conf": "a1", "etc/app/b.conf": "b1", "etc/app/sub/x": "x1",
                                   "etc/app/old/y": "y1", "etc/other": "o"})
    mid = _layer(tmp_path, "l2", {"etc/app/a.conf": "a2", "etc/app/b.conf": None, "etc/app/old": "<opaque>",
                                  "etc/app/old/z": "z2", "etc/app/ln": ("link", "a.conf")})
    top = _layer(tmp_path, "l3", {"etc/app/c.conf": "c3"})
    os.chmod(os.path.join(top, "etc/app"), 0o750)
    os.chown(os.path.join(top, "etc/app"), 7, 8)
    assert populate(str(vol), [top, mid, base], "/etc/app/")
    assert _tree(vol) == {"a.conf": "a2", "c.conf": "c3", "sub": "<dir>", "sub/x": "x1", "old": "<dir>",
                          "old/z": "z2", "ln": ("link", "a.conf")}
    st = os.stat(vol)
    assert stat.S_IMODE(st.st_mode) == 0o750 and (st.st_uid, st.st_gid) == (7, 8)


def test_owner_mode_and_times_of_files_are_kept(tmp_path, vol):
    base = _layer(tmp_path, "l1", {"data/f": "content"})
    f = os.path.join(base, "data/f")
    os.chown(f, 1000, 1001)
    os.chmod(f, 0o640)
    os.utime(f, (1_600_000_000, 1_600_000_000))
    assert populate(str(vol), [base], "/data")
    st = os.lstat(vol / "f")
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode), int(st.st_mtime)) == (1000, 1001, 0o640, 1_600_000_000)


def test_a_directory_deleted_or_replaced_above_is_not_copied(tmp_path, vol):
    base = _layer(tmp_path, "l1", {"srv/d/f": "old"})
    gone = _layer(tmp_path, "l2", {"srv/d": None})
    assert not populate(str(vol), [gone, base], "/srv/d") and _tree(vol) == {}
    parent_gone = _layer(tmp_path, "l3", {"srv": None})
    assert not populate(str(vol), [parent_gone, base], "/srv/d") and _tree(vol) == {}
    back = _layer(tmp_path, "l4", {"srv/d/new": "new"})  # made again above the deletion: only the new content
    assert populate(str(vol), [back, gone, base], "/srv/d") and _tree(vol) == {"new": "new"}


def test_nothing_happens_for_a_non_empty_volume_a_missing_path_or_a_file(tmp_path, vol):
    base = _layer(tmp_path, "l1", {"data/f": "image", "file": "not a dir"})
    (vol / "mine").write_text("user data")
    assert not populate(str(vol), [base], "/data")
    assert _tree(vol) == {"mine": "user data"}
    (vol / "mine").unlink()
    assert not populate(str(vol), [base], "/nothing-here") and _tree(vol) == {}
    assert not populate(str(vol), [base], "/file") and _tree(vol) == {}
    assert not populate(str(vol), [base], "/") and _tree(vol) == {}
