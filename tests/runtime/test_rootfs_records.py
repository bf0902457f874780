"""The container's root mount as the images service describes it
(Rootfs.mounts), and records older than that description: a container
recorded with only its snapshot's directories still starts after an
upgrade and a reboot (its run-time files written again from the record),
on the same writable layer, and inspect shows the same GraphDriver."""
import json
import signal
import subprocess

from tests.support.stack import DOCA


def _graph_driver(s, ref) -> dict:
    return json.loads(s.doca("inspect", ref).stdout)[0]["GraphDriver"]["Data"]


def test_a_record_without_the_mount_description_starts(make_stack):
    s = make_stack("rootrec").start()
    s.doca("run", "--name", "old", "--network", "none", "busybox", "sh", "-c", "echo run >> /data.txt")
    before = _graph_driver(s, "old")
    record = s.root / "runtime" / "containers" / json.loads(s.doca("inspect", "old").stdout)[0]["Id"] / \
        "container.json"
    s.proc.send_signal(signal.SIGTERM)  # the stack stops, keeping its (stopped) container
    s.proc.wait(40)
    data = json.loads(record.read_text())
    (mount,) = data["spec"]["rootfs"].pop("mounts")  # as a doca before the description wrote it
    assert mount["type"] == "overlay" and mount["options"][1:] == [
        f"upperdir={before['UpperDir']}", f"workdir={before['WorkDir']}"]
    record.write_text(json.dumps(data))
    subprocess.run(["umount", "-R", str(s.run_dir / "runtime")], check=True)  # a reboot: run-time files gone
    s.start()
    out = subprocess.run([DOCA, "start", "-a", "old"], env=s.env(), capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stderr) == (0, "")
    assert s.doca("exec", "old", "true", check=False).returncode != 0  # it ran and ended: nothing left running
    assert s.doca("diff", "old").stdout.split() == ["A", "/data.txt"]
    assert s.run("--network", "none", "busybox", "true") == ""  # new containers alongside
    assert _graph_driver(s, "old") == before


def test_inspect_shows_the_snapshot_directories(stack):
    cid = stack.doca("create", "--network", "none", "busybox", "true").stdout.strip()
    try:
        data = _graph_driver(stack, cid)
        snaps = stack.root / "images" / "snapshots" / cid
        assert (data["UpperDir"], data["WorkDir"]) == (str(snaps / "upper"), str(snaps / "work"))
        assert data["LowerDir"] and all(d.startswith(str(stack.root / "images")) for d in data["LowerDir"].split(":"))
        assert data["MergedDir"].endswith(f"/{cid}/bundle/rootfs")
    finally:
        stack.doca("rm", "-f", cid)
