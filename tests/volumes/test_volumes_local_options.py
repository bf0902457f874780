"""The local driver's options (volume create -o type=... device=... o=...):
mounted at the volume's first use, unmounted when the last container lets
it go, and a removal never deletes what a bound host directory holds."""
import json


def _mounted(path: str) -> bool:
    with open("/proc/self/mountinfo") as f:
        return any(line.split(" ")[4] == path for line in f)


def test_tmpfs_volume_mounted_at_use_and_gone_after(stack):
    stack.doca("volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=2m", "tmpv")
    try:
        doc = json.loads(stack.doca("volume", "inspect", "tmpv").stdout)[0]
        assert doc["Options"] == {"type": "tmpfs", "device": "tmpfs", "o": "size=2m"}
        assert not _mounted(doc["Mountpoint"])  # not before its first use
        out = stack.run("-v", "tmpv:/data", "busybox", "sh", "-c", "grep ' /data ' /proc/mounts; echo x > /data/f")
        assert " tmpfs " in out and "size=2048k" in out
        assert not _mounted(doc["Mountpoint"])  # the last user is gone (--rm)
        assert stack.run("-v", "tmpv:/data", "busybox", "ls", "/data") == ""  # a tmpfs keeps nothing
    finally:
        stack.doca("volume", "rm", "-f", "tmpv")


def test_bind_volume_removal_keeps_the_host_directory(stack, tmp_path):
    (tmp_path / "keep").write_text("host data\n")
    stack.doca("volume", "create", "-o", "type=none", "-o", f"device={tmp_path}", "-o", "o=bind", "bindv")
    cid = stack.doca("run", "-d", "-v", "bindv:/data", "busybox", "sleep", "30").stdout.strip()
    try:
        assert stack.doca("exec", cid, "cat", "/data/keep").stdout == "host data\n"
    finally:
        stack.doca("rm", "-f", cid)
        stack.doca("volume", "rm", "-f", "bindv")
    assert (tmp_path / "keep").read_text() == "host data\n"


def test_options_and_drivers_refused_as_docker(stack):
    for argv, said in ((["--opt", "foo=bar"], 'invalid option: "foo"'),
                       (["--opt", "type=tmpfs"], 'missing required option: "device"'),
                       (["-d", "nosuch"], 'plugin "nosuch" not found')):
        r = stack.doca("volume", "create", *argv, "refusedv", check=False)
        assert r.returncode == 1 and said in r.stderr, r.stderr
    assert "refusedv" not in stack.doca("volume", "ls", "-q").stdout.split()
