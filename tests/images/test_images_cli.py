"""Images through the CLI: the built-in busybox, import, inspect, rmi."""
import io
import json
import tarfile


def _rootfs_tar(path, files: dict) -> None:
    with tarfile.open(path, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))


def test_builtin_busybox_listed(stack):
    out = stack.doca("images").stdout
    assert "busybox" in out and "latest" in out
    doc = json.loads(stack.doca("inspect", "busybox").stdout)[0]
    assert doc["RepoTags"] == ["busybox:latest"]
    assert len(doc["RootFS"]["Layers"]) == 1 and doc["RootFS"]["Layers"][0].startswith("sha256:")
    assert doc["Id"].startswith("sha256:")


def test_import_run_and_remove(stack, tmp_path):
    # A rootfs made of busybox's own layer plus a file: exported from a container.
    tar = tmp_path / "rootfs.tar"
    busybox = open("/bin/busybox", "rb").read()
    _rootfs_tar(tar, {"bin/busybox": busybox, "hello.txt": b"imported\n"})
    iid = stack.doca("import", str(tar), "mine:1.0").stdout.strip()
    try:
        assert iid.startswith("sha256:")
        assert "mine" in stack.doca("images").stdout
        out = stack.run("mine:1.0", "/bin/busybox", "cat", "/hello.txt")
        assert out == "imported\n"
        doc = json.loads(stack.doca("image", "inspect", "mine:1.0").stdout)[0]
        assert doc["Id"] == iid
    finally:
        r = stack.doca("rmi", "mine:1.0")
    assert "Untagged: mine:1.0" in r.stdout
    assert stack.doca("inspect", "mine:1.0", check=False).returncode == 1


def test_import_from_stdin(stack, tmp_path):
    tar = tmp_path / "r.tar"
    _rootfs_tar(tar, {"a": b"x"})
    iid = stack.doca("import", "-", "stdin-image", input=tar.read_bytes()).stdout.strip()
    assert iid.startswith(b"sha256:")
    stack.doca("rmi", "stdin-image")


def test_rmi_in_use_refused(stack, tmp_path):
    tar = tmp_path / "r.tar"
    _rootfs_tar(tar, {"bin/busybox": open("/bin/busybox", "rb").read()})
    stack.doca("import", str(tar), "inuse")
    stack.doca("create", "--name", "user-of-inuse", "inuse", "/bin/busybox", "true")
    try:
        r = stack.doca("rmi", "inuse", check=False)
        assert r.returncode == 1 and "container" in r.stderr
    finally:
        stack.doca("rm", "-f", "user-of-inuse")
    stack.doca("rmi", "inuse")
