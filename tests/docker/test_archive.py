"""GET /containers/{id}/export and HEAD/GET/PUT /containers/{id}/archive with
the Docker SDK and `docker cp` / `docker export`."""
import base64
import io
import json
import tarfile

import docker
import pytest

from tests.docker.ptys import raw

GO_DIR = 1 << 31


def tar_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid = len(data), 0o640, 1234
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def members(chunks) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tf:
        return {m.name: m for m in tf.getmembers()}


def test_put_then_get_archive(client, box):
    c = client.containers.get(box)
    assert c.put_archive("/tmp", tar_of({"d2/a.txt": b"hello\n"}))
    bits, st = c.get_archive("/tmp/d2")
    got = members(bits)
    assert set(got) == {"d2", "d2/a.txt"} and got["d2/a.txt"].size == 6
    assert got["d2/a.txt"].uid == 0  # no copyUIDGID: root's, as dockerd
    assert st["name"] == "d2" and st["mode"] & GO_DIR and st["linkTarget"] == ""
    bits, st = c.get_archive("/tmp/d2/a.txt")
    assert st == {**st, "name": "a.txt", "size": 6, "mode": 0o640}
    assert c.exec_run("cat /tmp/d2/a.txt").output == b"hello\n"


def test_copy_uid_gid(stack, client, box):
    data = tar_of({"owned.txt": b"x"})  # the SDK's put_archive has no copyUIDGID: by hand
    head, body = raw(stack, (f"PUT /containers/{box}/archive?path=/tmp&copyUIDGID=1 HTTP/1.1\r\nHost: d\r\n"
                             f"Connection: close\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data)
    assert head.startswith(b"HTTP/1.1 200 "), head + body
    assert client.containers.get(box).exec_run("stat -c %u /tmp/owned.txt").output == b"1234\n"


def test_head_archive_stat_header(stack, box):
    head, _ = raw(stack, f"HEAD /containers/{box}/archive?path=/etc HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"
                  .encode())
    assert head.startswith(b"HTTP/1.1 200 ")
    line = next(x for x in head.split(b"\r\n") if x.lower().startswith(b"x-docker-container-path-stat:"))
    st = json.loads(base64.b64decode(line.split(b":", 1)[1].strip()))
    assert st["name"] == "etc" and st["mode"] == GO_DIR | 0o755 and st["mtime"].endswith("Z")


def test_archive_errors(api, client, box):
    c = client.containers.get(box)
    with pytest.raises(docker.errors.NotFound, match="Could not find the file /nope in container"):
        c.get_archive("/nope")
    with pytest.raises(docker.errors.NotFound, match="No such container: d2-nothing"):
        api.get_archive("d2-nothing", "/etc")
    with pytest.raises(docker.errors.NotFound):
        c.put_archive("/nope", tar_of({"a": b""}))
    with pytest.raises(docker.errors.APIError, match="extraction point is not a directory") as e:
        c.put_archive("/etc/hostname", tar_of({"a": b""}))
    assert e.value.status_code == 400
    with pytest.raises(docker.errors.APIError, match="cannot overwrite directory") as e:
        c.put_archive("/", tar_of({"tmp": b""}))
    assert e.value.status_code == 400


def test_docker_cp_both_ways(docker_cli, client, box, tmp_path):
    (tmp_path / "f.txt").write_text("hello\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "y").write_text("y\n")
    docker_cli("cp", str(tmp_path / "f.txt"), f"{box}:/tmp/")
    docker_cli("cp", str(tmp_path / "f.txt"), f"{box}:/tmp/renamed.txt")
    docker_cli("cp", str(tmp_path / "d"), f"{box}:/tmp/dd")
    c = client.containers.get(box)
    assert c.exec_run("cat /tmp/f.txt /tmp/renamed.txt /tmp/dd/y").output == b"hello\nhello\ny\n"
    docker_cli("cp", f"{box}:/tmp/dd", str(tmp_path / "back"))
    assert (tmp_path / "back" / "y").read_text() == "y\n"
    docker_cli("cp", f"{box}:/etc/hostname", str(tmp_path / "h"))
    assert (tmp_path / "h").read_text().strip() == c.id[:12]
    r = docker_cli("cp", f"{box}:/nope", str(tmp_path), check=False)
    assert r.returncode == 1 and "Could not find the file /nope in container" in r.stderr


def test_export(stack, client, docker_cli, box, tmp_path):
    tar = members(client.containers.get(box).export())
    assert "bin/sh" in tar and "etc/hostname" in tar
    docker_cli("export", "-o", str(tmp_path / "x.tar"), box)
    with tarfile.open(tmp_path / "x.tar") as tf:
        assert "bin/busybox" in tf.getnames()
    r = docker_cli("export", "d2-nothing", check=False)
    assert r.returncode == 1 and "No such container: d2-nothing" in r.stderr
