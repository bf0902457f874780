"""doca export: a container's whole root filesystem as one tar (image
layers merged with its own changes, deletions applied); doca import reads
it back into a one-layer image that runs the same."""
import io
import json
import tarfile


def test_export_then_import_runs_the_same(stack, tmp_path):
    stack.doca("run", "-d", "--name", "export-src", "busybox", "sh", "-c",
               "echo exported > /data; rm /etc/passwd; rm -rf /var/spool; ln /data /data2; sleep 1000")
    try:
        out = tmp_path / "rootfs.tar"
        for _ in range(50):  # the command has run once /data2 exists
            if stack.doca("exec", "export-src", "test", "-e", "/data2", check=False).returncode == 0:
                break
        stack.doca("export", "-o", str(out), "export-src")  # while it runs, as Docker allows
        with tarfile.open(out) as tar:
            members = {m.name: m for m in tar}
            assert tar.extractfile("data").read() == b"exported\n"
        assert "etc/passwd" not in members and "var/spool" not in members and "etc/group" in members
        assert members["bin/busybox"].isreg() and members["bin/sh"].issym()
        assert members["data2"].islnk() and members["data2"].linkname == "data"
        assert not any(".wh." in name for name in members)

        image_id = stack.doca("import", "-c", "CMD cat /data", str(out), "exported:1").stdout.strip()
        doc = json.loads(stack.doca("inspect", "exported:1").stdout)[0]
        assert doc["Id"] == image_id and len(doc["RootFS"]["Layers"]) == 1
        assert stack.run("exported:1") == "exported\n"
        assert stack.run("exported:1", "sh", "-c", "test -e /etc/passwd || echo gone") == "gone\n"

        # To stdout, as `docker export CTR > file`.
        r = stack.doca("export", "export-src", input=b"")
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tar:
            assert sorted(m.name for m in tar) == sorted(members)
    finally:
        stack.doca("rm", "-f", "export-src")
        stack.doca("rmi", "exported:1", check=False)


def test_export_of_a_missing_container(stack, tmp_path):
    r = stack.doca("export", "-o", str(tmp_path / "x.tar"), "no-such-ctr", check=False)
    assert r.returncode == 1 and "No such container" in r.stderr
    assert not list(tmp_path.iterdir())  # no half-written file left
