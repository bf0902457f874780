"""doca save and doca load through the CLI: the archive is a docker-save
archive and an OCI layout at once; load reads both (tars and directories,
plain or compressed, with tar, tar+gzip and tar+zstd layers), refuses
digest mismatches and hostile layers without leaving anything behind, and a
128-layer image loads and runs."""
import gzip
import hashlib
import json
import os

import pytest

from tests.support.archivekit import (Image, busybox_layer, docker_archive, file_layer, members_of, sha, tar_of_dir, write_oci_layout)
from tests.support.tarkit import chardev, dirent, hard, info, reg, sym, tar_bytes, tree_files


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def _state(stack) -> tuple:
    """What the images service keeps on disk, for 'nothing changed' checks."""
    images = stack.root / "images"
    return (sorted(os.listdir(images / "blobs" / "sha256")), sorted(os.listdir(images / "layers")),
            stack.doca("images", "-q", "--no-trunc").stdout)


def _assert_clean(stack, before) -> None:
    images = stack.root / "images"
    assert _state(stack) == before
    assert not os.listdir(images / "ingest") and not os.listdir(images / "tmp")


def test_save_writes_docker_and_oci_layout_and_loads_back(stack, tmp_path):
    stack.doca("tag", "busybox", "saved:1")
    try:
        out = tmp_path / "s.tar"
        stack.doca("save", "-o", str(out), "saved:1", "busybox")
        members = members_of(out.read_bytes())
        base = _inspect(stack, "busybox")
        for name, data in members.items():  # every blob is named by its digest
            if name.startswith("blobs/sha256/"):
                assert hashlib.sha256(data).hexdigest() == name.rsplit("/", 1)[1]
        assert json.loads(members["oci-layout"]) == {"imageLayoutVersion": "1.0.0"}
        index = json.loads(members["index.json"])
        names = {m["annotations"]["io.containerd.image.name"]: m["annotations"]["org.opencontainers.image.ref.name"]
                 for m in index["manifests"]}
        assert names == {"docker.io/library/saved:1": "1", "docker.io/library/busybox:latest": "latest"}
        (entry,) = json.loads(members["manifest.json"])  # one image, two tags
        assert entry["Config"] == "blobs/sha256/" + base["Id"][7:]
        assert sorted(entry["RepoTags"]) == ["busybox:latest", "saved:1"]
        assert [sha(members[p]) for p in entry["Layers"]] == base["RootFS"]["Layers"]
        manifest = json.loads(members[f"blobs/sha256/{index['manifests'][0]['digest'][7:]}"])
        assert manifest["config"]["digest"] == base["Id"]
        assert json.loads(members["repositories"])["saved"] == {"1": entry["Layers"][-1].rsplit("/", 1)[1]}

        stack.doca("rmi", "saved:1")
        r = stack.doca("load", "-i", str(out))
        assert sorted(r.stdout.splitlines()) == ["Loaded image: busybox:latest", "Loaded image: saved:1"]
        assert _inspect(stack, "saved:1")["Id"] == base["Id"]  # same config, same id
        # From stdin, and gzip-compressed, as docker load takes it too.
        stack.doca("rmi", "saved:1")
        r = stack.doca("load", input=gzip.compress(out.read_bytes(), compresslevel=1))
        assert b"Loaded image: saved:1" in r.stdout
        assert stack.run("saved:1", "echo", "ok") == "ok\n"
    finally:
        stack.doca("rmi", "saved:1", check=False)


@pytest.mark.parametrize("as_dir", [True, False])
def test_load_oci_layout_with_gzip_and_zstd_layers(stack, tmp_path, as_dir):
    whiteout = tar_bytes([dirent("etc"), reg("etc/.wh.group"), reg("etc/motd", b"zstd layer\n")])
    img = Image([busybox_layer(), file_layer("hello", b"gzip layer\n"), whiteout],
                compression=["gzip", "gzip", "zstd"], cmd=("cat", "/hello", "/etc/motd"))
    layout = write_oci_layout(tmp_path / "layout", [(img, "oci-test:1")])
    src = layout
    if not as_dir:
        src = tmp_path / "layout.tar"
        src.write_bytes(tar_of_dir(layout))
    try:
        r = stack.doca("load", "-i", str(src))
        assert r.stdout == "Loaded image: oci-test:1\n"
        doc = _inspect(stack, "oci-test:1")
        assert doc["Id"] == img.id  # the image keeps its id: the config is stored as it came
        assert stack.run("oci-test:1") == "gzip layer\nzstd layer\n"
        assert stack.run("oci-test:1", "sh", "-c", "test -e /etc/group || echo whited-out") == "whited-out\n"
        # Saved again, the compressed blobs go out as they came.
        out = tmp_path / "again.tar"
        stack.doca("save", "-o", str(out), "oci-test:1")
        members = members_of(out.read_bytes())
        assert members[f"blobs/sha256/{sha(img.manifest)[7:]}"] == img.manifest
        assert all(members[f"blobs/sha256/{sha(b)[7:]}"] == b for b in img.blobs)
    finally:
        stack.doca("rmi", "oci-test:1", check=False)


FULL_CONFIG = {
    "Env": ["PATH=/bin", "MODE=test"], "Cmd": ["cat", "/etc/motd"], "WorkingDir": "/etc", "User": "0:0",
    "ExposedPorts": {"80/tcp": {}}, "Volumes": {"/data": {}}, "Labels": {"a": "b"}, "StopSignal": "SIGINT",
    "Healthcheck": {"Test": ["CMD", "true"], "Interval": 5_000_000_000, "Retries": 3},
}


def test_load_docker_archive_with_legacy_layer_links(stack, tmp_path):
    img = Image([busybox_layer(), file_layer("etc/motd", b"legacy\n")],
                config_extra={"config": FULL_CONFIG, "author": "someone"})
    path = tmp_path / "d.tar"
    path.write_bytes(docker_archive([(img, ["legacy:1", "localhost:5000/team/legacy:2"])]))
    try:
        r = stack.doca("load", "-i", str(path))
        assert r.stdout.splitlines() == ["Loaded image: legacy:1", "Loaded image: localhost:5000/team/legacy:2"]
        assert stack.run("localhost:5000/team/legacy:2") == "legacy\n"
        cfg = _inspect(stack, "legacy:1")["Config"]
        assert {k: cfg[k] for k in FULL_CONFIG if k != "Healthcheck"} == {
            k: v for k, v in FULL_CONFIG.items() if k != "Healthcheck"}
        assert cfg["Healthcheck"]["Test"] == ["CMD", "true"] and cfg["Healthcheck"]["Retries"] == 3
        assert _inspect(stack, "legacy:1")["Author"] == "someone"
    finally:
        stack.doca("rmi", "-f", img.id, check=False)


def test_digest_mismatch_is_refused_and_leaves_nothing(stack, tmp_path):
    img = Image([busybox_layer(), file_layer("x", b"original")])
    layout = write_oci_layout(tmp_path / "layout", [(img, "tampered:1")])
    blob = layout / "blobs" / "sha256" / sha(img.blobs[1])[7:]
    blob.write_bytes(file_layer("x", b"altered!"))  # same size, other bytes
    before = _state(stack)
    r = stack.doca("load", "-i", str(layout), check=False)
    assert r.returncode == 1 and "digest mismatch" in r.stderr and len(r.stderr.splitlines()) == 1
    _assert_clean(stack, before)

    # A docker archive has no digests in its names: the config's diff ids catch it.
    lying = Image([busybox_layer(), file_layer("x", b"original")])
    lying.blobs[1] = file_layer("x", b"altered!")
    path = tmp_path / "d.tar"
    path.write_bytes(docker_archive([(lying, ["tampered:2"])]))
    r = stack.doca("load", "-i", str(path), check=False)
    assert r.returncode == 1 and "digest mismatch: layer 2" in r.stderr
    _assert_clean(stack, before)


def _hostile(sentinel) -> dict[str, list]:
    """Layers that try to reach `sentinel`, a directory outside the layer."""
    up = "../" * 12
    return {
        "dotdot": [reg(f"{up}{str(sentinel).lstrip('/')}/pwned", b"x")],
        "absolute": [reg(f"{sentinel}/pwned", b"x")],
        "symlink-dir": [sym("escape", str(sentinel)), reg("escape/pwned", b"x")],
        "relative-symlink": [dirent("a"), sym("a/up", "../../../../../../../../../.."),
                             reg(f"a/up/{str(sentinel).lstrip('/')}/pwned", b"x")],
        "hardlink": [hard("stolen", f"{sentinel}/secret")],
        "hardlink-dotdot": [hard("stolen", f"{up}{str(sentinel).lstrip('/')}/secret")],
        "device": [dirent("etc"), chardev("etc/mem", 1, 1)],
        "block-device": [(info("disk", kind=b"4", devmajor=8, devminor=0), None)],
    }


@pytest.mark.parametrize("case", sorted(_hostile("/x")))
def test_hostile_layer_is_refused(stack, tmp_path, case):
    sentinel = tmp_path / "sentinel"
    sentinel.mkdir()
    (sentinel / "secret").write_text("host file\n")
    img = Image([busybox_layer(), tar_bytes(_hostile(sentinel)[case])])
    path = tmp_path / "evil.tar"
    path.write_bytes(docker_archive([(img, ["evil:1"])]))
    before = _state(stack)
    r = stack.doca("load", "-i", str(path), check=False)
    assert r.returncode == 1 and "refusing tar member" in r.stderr, r.stderr
    _assert_clean(stack, before)
    assert tree_files(sentinel) == ["secret"] and os.stat(sentinel / "secret").st_nlink == 1
    # The same layer imported as a root filesystem is refused the same way.
    r = stack.doca("import", "-", "evil:2", input=img.plain[1], check=False)
    assert r.returncode == 1 and b"refusing tar member" in r.stderr
    _assert_clean(stack, before)


def test_a_128_layer_image_loads_and_runs(stack, tmp_path):
    layers = [busybox_layer()] + [file_layer(f"layers/l{i:03d}", f"{i}\n".encode()) for i in range(1, 127)]
    layers.append(tar_bytes([dirent("layers"), reg("layers/.wh.l005")]))  # the top one hides a file
    img = Image(layers, cmd=("sh", "-c", "cat /layers/l001 /layers/l126; ls /layers | wc -l"))
    path = tmp_path / "deep.tar"
    path.write_bytes(docker_archive([(img, ["deep:128"])], legacy_links=False))
    try:
        stack.doca("load", "-i", str(path))
        assert len(_inspect(stack, "deep:128")["RootFS"]["Layers"]) == 128
        assert stack.run("deep:128").split() == ["1", "126", "125"]
    finally:
        stack.doca("rmi", "deep:128", check=False)


@pytest.mark.parametrize("payload, message", [
    (os.urandom(5000), "not a valid image archive"),
    (b"", "no data to load"),
    (tar_bytes([reg("hello.txt", b"hi")]), "neither index.json (OCI layout) nor manifest.json"),
    (tar_bytes([reg("index.json", b"{}")]), "index.json lists no image"),
    (tar_bytes([reg("manifest.json", b"[{\"Config\": \"c.json\"}]")]), "the archive has no c.json"),
])
def test_load_of_something_else_is_refused(stack, payload, message):
    before = _state(stack)
    r = stack.doca("load", input=payload, check=False)
    assert r.returncode == 1 and message.encode() in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr
    _assert_clean(stack, before)
