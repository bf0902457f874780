"""Anonymous volumes, as Docker makes them: `-v /path` and an image's VOLUME
give the container a fresh volume (64-hex name, Docker's anonymous label);
`run --rm` and `rm -v` remove them with the container, a plain `rm` keeps
them; a create that fails leaves none behind."""
import json
import re

from tests.support.build import build, write_context

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _volumes(stack) -> set[str]:
    return set(stack.doca("volume", "ls", "-q").stdout.split())


def _mounts(stack, ref) -> list[dict]:
    return json.loads(stack.doca("inspect", ref).stdout)[0]["Mounts"]


def test_dash_v_path_makes_an_anonymous_volume_that_outlives_a_plain_rm(stack):
    before = _volumes(stack)
    cid = stack.doca("run", "-d", "-v", "/data", "busybox", "sh", "-c", "echo kept > /data/f; sleep 60").stdout.strip()
    name = None
    try:
        (mount,) = _mounts(stack, cid)
        name = mount["Name"]
        assert HEX64.match(name) and mount["Destination"] == "/data" and mount["Type"] == "volume"
        assert _volumes(stack) - before == {name}
        doc = json.loads(stack.doca("volume", "inspect", name).stdout)[0]
        assert "com.docker.volume.anonymous" in doc["Labels"]
        assert stack.doca("exec", cid, "grep", " /data ", "/proc/mounts").returncode == 0
    finally:
        stack.doca("rm", "-f", cid)
    try:
        assert name in _volumes(stack)  # docker rm without -v keeps it, data and all
        assert stack.run("-v", f"{name}:/again", "busybox", "cat", "/again/f") == "kept\n"
    finally:
        stack.doca("volume", "rm", name)


def test_run_rm_and_rm_v_take_the_anonymous_volumes_but_not_named_ones(stack):
    before = _volumes(stack)
    assert stack.run("-v", "/scratch", "busybox", "sh", "-c", "touch /scratch/x && echo done") == "done\n"
    assert _volumes(stack) == before  # --rm (stack.run) took it
    cid = stack.doca("create", "-v", "/a", "-v", "anon-named:/b", "busybox", "true").stdout.strip()
    try:
        made = _volumes(stack) - before
        assert len(made) == 2 and "anon-named" in made
        stack.doca("rm", "-v", cid)
        assert _volumes(stack) - before == {"anon-named"}  # a named volume is never removed with the container
    finally:
        stack.doca("rm", "-f", cid, check=False)
        stack.doca("volume", "rm", "anon-named", check=False)


def test_image_volume_gets_one_unless_a_dash_v_covers_it(stack, tmp_path, clean_build):
    clean_build.append("withvol:1")
    build(stack, write_context(tmp_path, {"Dockerfile": "FROM busybox\nVOLUME /vol\n"}), "-t", "withvol:1")
    before = _volumes(stack)
    cid = stack.doca("create", "withvol:1", "true").stdout.strip()
    try:
        (mount,) = _mounts(stack, cid)
        assert mount["Destination"] == "/vol" and HEX64.match(mount["Name"])
    finally:
        stack.doca("rm", "-v", cid)
    assert _volumes(stack) == before
    cid = stack.doca("create", "-v", "covers:/vol/", "withvol:1", "true").stdout.strip()
    try:
        assert [m["Name"] for m in _mounts(stack, cid)] == ["covers"]
    finally:
        stack.doca("rm", "-v", cid)
        stack.doca("volume", "rm", "covers")
    assert _volumes(stack) == before


def test_a_failed_create_leaves_no_anonymous_volume(stack):
    before = _volumes(stack)
    r = stack.doca("run", "--rm", "-v", "/data", "--network", "no-such-net", "busybox", "true", check=False)
    assert r.returncode == 125 and "no-such-net" in r.stderr
    assert _volumes(stack) == before


def test_bad_anonymous_specifications(stack):
    for spec in ("/", "data", "//"):
        r = stack.doca("run", "--rm", "-v", spec, "busybox", "true", check=False)
        assert r.returncode == 125 and len(r.stderr.strip().splitlines()) == 1, (spec, r.stderr)


def test_an_empty_volume_gets_the_image_content_unless_nocopy(stack, tmp_path, clean_build):
    """Docker's copy: the image's files at the mount point, owners and modes
    kept, into a fresh volume (named or anonymous); never over data."""
    clean_build.append("seeded:1")
    build(stack, write_context(tmp_path, {"Dockerfile": (
        "FROM busybox\nRUN mkdir -p /conf/sub && echo default > /conf/app.conf && echo s > /conf/sub/s "
        "&& chown -R 1000:1000 /conf/sub && chmod 0640 /conf/app.conf\nVOLUME /conf\n")}), "-t", "seeded:1")
    try:
        out = stack.run("-v", "seed-named:/conf", "seeded:1", "sh", "-c",
                        "cat /conf/app.conf; stat -c '%a %u' /conf/app.conf /conf/sub/s; echo mine > /conf/app.conf")
        assert out == "default\n640 0\n644 1000\n"
        # not empty any more: a second container sees the volume's data, not the image's
        assert stack.run("-v", "seed-named:/conf", "seeded:1", "cat", "/conf/app.conf") == "mine\n"
        assert stack.run("seeded:1", "cat", "/conf/sub/s") == "s\n"  # the image's VOLUME, anonymous, seeded too
        assert stack.run("-v", "seed-nocopy:/conf:nocopy", "seeded:1", "ls", "-A", "/conf") == ""
        assert stack.run("-v", "seed-ro:/conf:ro,nocopy", "busybox", "ls", "-A", "/conf") == ""
    finally:
        for name in ("seed-named", "seed-nocopy", "seed-ro"):
            stack.doca("volume", "rm", name, check=False)
