"""Taking a container's diff (commit) and flattening its root (export),
checked against the kernel's overlayfs: a real overlay is mounted (inside a
private mount namespace that goes away with the subprocess), changed with
ordinary commands, and what it shows is compared with

- the image's layers plus the committed diff (unpacked as a new layer and
  mounted again): the same tree, so deletions became whiteouts and the
  replaced directory became opaque;
- the flattened export (unpacked): the same tree again.
"""
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile

import pytest

from services.images import builtin, diff, flatten
from services.images.service import ImageService
from services.images.unpack import unpack
from tests.support.tarkit import REPO, dirent, reg, sym, tar_bytes

pytestmark = pytest.mark.skipif(not os.access(builtin.BUSYBOX, os.X_OK), reason="needs busybox-static")

# What the "container" does to its root (run in the merged dir).
CHANGES = " && ".join([
    "rm etc/passwd",                      # a file of the bottom layer: whiteout
    "rm -rf var",                         # a directory: whiteout
    "mkdir var && echo new > var/only",   # ...made again: opaque
    "rm -rf srv/old && mkdir srv/old && echo fresh > srv/old/file",  # a directory of layer 2, replaced
    "echo data > f && ln f g && ln -s f s && mkfifo p",
    "mkdir -p a/b && echo x > a/b/c && chmod 750 a/b",
    "echo changed >> etc/motd",           # copy-up of a layer-2 file
    "chmod 700 home && chown 12:34 home",
    "rm sbin/.keep",                      # hidden again: the layer-2 file goes
])


def listing(root: str) -> dict:
    """path -> [kind, mode, [uid, gid], content digest or link target] for a
    tree (JSON-shaped: it crosses a process boundary)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            mode, owner = stat.S_IMODE(st.st_mode), [st.st_uid, st.st_gid]
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ["l", 0, owner, os.readlink(path)]
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    out[rel] = ["f", mode, owner, hashlib.sha256(f.read()).hexdigest()]
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ["d", mode, owner, ""]
            else:
                out[rel] = ["o", mode, owner, stat.S_IFMT(st.st_mode)]
    return out


def _overlay(lower: list[str], upper: str, work: str, merged: str, script: str = "") -> dict:
    """Mounts the overlay, runs script in it, returns the listing of what it shows."""
    opts = f"lowerdir={':'.join(lower)}" + (f",upperdir={upper},workdir={work}" if upper else "")
    dump = f"{sys.executable} -c 'import json, sys; from tests.images.test_images_diff import listing; " \
           f"json.dump(listing(sys.argv[1]), sys.stdout)' {merged}"
    cmd = f"mount -t overlay overlay -o {opts} {merged} && cd {merged} && " \
          + (f"{script} && " if script else "") + f"cd / && {dump}"
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", cmd],
                       capture_output=True, text=True, timeout=60, cwd=REPO)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _unpack_chunks(chunks, dest) -> None:
    data = b"".join(chunks)
    path = str(dest) + ".tar"
    with open(path, "wb") as f:
        f.write(data)
    os.makedirs(dest)
    unpack(path, dest)


@pytest.fixture
def container(tmp_path):
    """A snapshot of a two-layer image whose upper dir a real overlay has
    changed; returns (svc, snapshot, listing of the container's view)."""
    svc = ImageService(tmp_path / "images")
    base, _ = builtin.rootfs_tar()
    top = tar_bytes([dirent("etc"), reg("etc/motd", b"layer 2\n"), dirent("srv"), dirent("srv/old"),
                     reg("srv/old/gone", b"1"), dirent("sbin"), reg("sbin/.keep", b""),
                     sym("srv/link", "old/gone")])
    image_id = svc.create_image(diff_ids=[svc.content.put(base), svc.content.put(top)], created=1.0,
                                history=[])
    snap = svc.prepare_snapshot(image_id, "ctr")
    merged = tmp_path / "merged"
    merged.mkdir()
    view = _overlay(snap["lower_dirs"], snap["upper_dir"], snap["work_dir"], str(merged), CHANGES)
    return svc, snap, view, tmp_path


def test_diff_has_oci_whiteouts_and_stacks_back_to_the_same_tree(container):
    svc, snap, view, tmp = container
    chunks = list(diff.members(snap["upper_dir"]))
    names = [m.name for m in tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))]
    assert "etc/.wh.passwd" in names and "sbin/.wh..keep" in names
    assert "var/.wh..wh..opq" in names and "srv/old/.wh..wh..opq" in names
    assert "var" in names and "var/only" in names and "bin/busybox" not in names
    # Same upper dir, same tar: a commit's diff id is reproducible.
    assert b"".join(diff.members(snap["upper_dir"])) == b"".join(chunks)

    layer = tmp / "committed"
    _unpack_chunks(chunks, layer)
    (tmp / "m2").mkdir()
    again = _overlay([str(layer)] + snap["lower_dirs"], "", "", str(tmp / "m2"))
    assert again == view
    assert view["var"][0] == "d" and "var/spool" not in view and "etc/passwd" not in view
    assert "srv/old/gone" not in view and view["srv/old/file"][0] == "f"
    assert view["home"][1:3] == [0o700, [12, 34]]


def test_flatten_gives_the_overlay_view(container):
    svc, snap, view, tmp = container
    out = tmp / "flat"
    _unpack_chunks(flatten.members([snap["upper_dir"], *snap["lower_dirs"]]), out)
    assert listing(str(out)) == view
    # The hardlink stayed one file with two names.
    assert os.stat(out / "f").st_ino == os.stat(out / "g").st_ino
