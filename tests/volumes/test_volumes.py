"""Named volumes: data outlives containers; one in use cannot be removed."""
import json

from tests.support import grpcurl


def test_data_persists_across_containers(stack):
    stack.doca("volume", "create", "keep")
    try:
        stack.run("-v", "keep:/data", "busybox", "sh", "-c", "echo persisted > /data/f")
        assert stack.run("-v", "keep:/data", "busybox", "cat", "/data/f") == "persisted\n"
        doc = json.loads(stack.doca("volume", "inspect", "keep").stdout)[0]
        assert doc["Name"] == "keep" and doc["Driver"] == "local"
        assert open(doc["Mountpoint"] + "/f").read() == "persisted\n"
        assert "keep" in stack.doca("volume", "ls", "-q").stdout.split()
    finally:
        stack.doca("volume", "rm", "keep")
    assert "keep" not in stack.doca("volume", "ls", "-q").stdout.split()


def test_volume_created_on_first_use(stack):
    stack.run("-v", "auto:/x", "busybox", "touch", "/x/y")
    try:
        assert "auto" in stack.doca("volume", "ls", "-q").stdout.split()
    finally:
        stack.doca("volume", "rm", "auto")


def test_read_only_volume(stack):
    r = stack.doca("run", "--rm", "-v", "rovol:/data:ro", "busybox", "touch", "/data/f", check=False)
    try:
        assert r.returncode != 0 and "Read-only file system" in r.stderr
    finally:
        stack.doca("volume", "rm", "rovol")


def test_remove_in_use_volume_fails(stack):
    cid = stack.doca("run", "-d", "-v", "busy:/data", "busybox", "sleep", "30").stdout.strip()
    try:
        r = stack.doca("volume", "rm", "busy", check=False)
        assert r.returncode == 1
        assert "in use" in r.stderr and len(r.stderr.strip().splitlines()) == 1
        g = grpcurl.call(stack.socket("doca"), "doca.v1.Volumes/Remove", {"name": "busy"}, check=False)
        assert g.returncode == 64 + 9, g.stderr  # FAILED_PRECONDITION
    finally:
        stack.doca("rm", "-f", cid)
    stack.doca("volume", "rm", "busy")  # free again once the container is gone


def test_bad_volume_spec(stack):
    r = stack.doca("run", "--rm", "-v", "no-colon", "busybox", "true", check=False)
    assert r.returncode == 125 and "invalid volume specification" in r.stderr
