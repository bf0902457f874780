"""The snapshot a container gets really works as an overlay: a two-layer
image (busybox, then a layer with whiteouts and an opaque directory) is
mounted as PrepareSnapshot describes it (what the runtime mounts), inside a
private mount namespace that disappears with the test's subprocess, and
busybox runs in it."""
import os
import subprocess

import pytest

from services.images import builtin, digests
from services.images.service import ImageService
from tests.support.tarkit import dirent, reg, tar_bytes

pytestmark = pytest.mark.skipif(not os.access(builtin.BUSYBOX, os.X_OK), reason="needs busybox-static")


def test_two_layer_image_mounts_as_overlay_and_runs(tmp_path):
    svc = ImageService(tmp_path / "images")
    base, _ = builtin.rootfs_tar()
    top = tar_bytes([dirent("etc"), reg("etc/.wh.shadow"), reg("etc/motd", b"hello from layer 2\n"),
                     dirent("var"), reg("var/.wh..wh..opq"), reg("var/only-this", b"1")])
    diff_ids = [svc.content.put(base), svc.content.put(top)]
    image_id = svc.create_image(diff_ids=diff_ids, created=1.0, history=[],
                                config={"Cmd": ["sh"]})
    snap = svc.prepare_snapshot(image_id, "ovl")
    chains = digests.chain_ids(diff_ids)
    assert snap["lower_dirs"] == [str(svc.layers.diff_dir(c)) for c in reversed(chains)]

    (mount,) = snap["mounts"]
    assert mount == {"type": "overlay", "source": "overlay", "options": [
        f"lowerdir={':'.join(snap['lower_dirs'])}", f"upperdir={snap['upper_dir']}", f"workdir={snap['work_dir']}"]}

    merged = tmp_path / "merged"
    merged.mkdir()
    opts = ",".join(mount["options"])
    script = (f"mount -t {mount['type']} {mount['source']} -o {opts} {merged} && "
              f"chroot {merged} /bin/sh -c 'cat /etc/motd; ls /var; test -e /etc/shadow || echo no-shadow; "
              f"echo written > /tmp/new; awk \"BEGIN {{ print 6 * 7 }}\"'")
    out = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n") == ["hello from layer 2", "only-this", "no-shadow", "42", ""]
    # The container's write went to its own upper dir, never to a shared layer.
    assert (tmp_path / "images/snapshots/ovl/upper/tmp/new").read_text() == "written\n"
    assert not any(os.path.exists(os.path.join(d, "tmp/new")) for d in snap["lower_dirs"])
    assert str(merged) not in open("/proc/self/mountinfo").read()
