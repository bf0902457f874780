"""A container's run-time files (bundle, the shim's files) live on a tmpfs
under <run dir>/runtime, its record and log under --root; the tmpfs goes
with the last container, and files lost with it (a reboot) are written
again from the record when the container is used."""
import json
import signal
import subprocess

from tests.support.stack import DOCA


def _fs(path) -> str:
    return subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def _mounted(path) -> bool:
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == str(path) for line in f)


def test_run_time_files_on_a_tmpfs_record_and_log_on_disk(make_stack):
    s = make_stack("vol1").start()
    cid = s.doca("run", "-d", "--network", "none", "busybox", "sh", "-c", "echo hello; sleep 60").stdout.strip()
    run_files = s.run_dir / "runtime" / "containers" / cid
    record = s.root / "runtime" / "containers" / cid
    assert _fs(run_files) == "tmpfs" and _fs(record) != "tmpfs"
    assert (run_files / "bundle" / "config.json").is_file() and (run_files / "init.pid").is_file()
    assert (s.run_dir / "runtime" / "netns" / cid).exists()  # the network namespace's pin, as /run/netns
    assert (record / "container.json").is_file()
    assert json.loads(s.doca("inspect", cid).stdout)[0]["LogPath"] == str(record / "container.log")
    s.doca("rm", "-f", cid)
    assert not run_files.exists() and not record.exists()
    assert _mounted(s.run_dir / "runtime")
    s.stop()  # no container left: the tmpfs goes
    assert not _mounted(s.run_dir / "runtime")


def _attrs(path) -> str:
    return subprocess.run(["lsattr", "-d", str(path)], capture_output=True, text=True).stdout.split(" ")[0]


def test_per_container_directories_are_spread_over_block_groups(stack, tmp_path):
    """On ext4 the parents of per-container directories carry the Orlov
    "top directory" flag (common/dirspread.py): each container's directories
    land in a block group of their own, not behind the recently deleted."""
    probe = tmp_path / "probe"
    probe.mkdir()
    if subprocess.run(["chattr", "+T", str(probe)], capture_output=True).returncode != 0:
        return  # a filesystem without the flag: nothing to see
    cids = [stack.doca("run", "-d", "--network", "none", "busybox", "sleep", "60").stdout.strip() for _ in range(4)]
    try:
        for parent in (stack.root / "images" / "snapshots", stack.root / "runtime" / "containers",
                       stack.root / "volumes"):
            if _fs(parent) == "ext2/ext3":  # what stat -f calls ext4
                assert "T" in _attrs(parent), parent
        inodes = {(stack.root / "runtime" / "containers" / c).stat().st_ino for c in cids}
        assert len({i // 8192 for i in inodes}) > 1  # not all in one group (8192 inodes per group by default)
    finally:
        stack.doca("rm", "-f", *cids)


def test_lost_run_time_files_are_written_again(make_stack, tmp_path):
    s = make_stack("vol2").start()
    cid = s.doca("run", "-d", "--name", "again", "--network", "none", "busybox", "sh", "-c",
                 "echo run >> /data.txt; cat /data.txt").stdout.strip()
    assert s.doca("wait", "again").stdout.strip() == "0"
    s.proc.send_signal(signal.SIGTERM)  # the stack stops, keeping its (stopped) container
    s.proc.wait(40)
    assert _mounted(s.run_dir / "runtime")
    subprocess.run(["umount", "-R", str(s.run_dir / "runtime")], check=True)  # what a reboot does to a tmpfs
    s.start()
    assert not (s.run_dir / "runtime" / "containers").exists() or \
        not any((s.run_dir / "runtime" / "containers").iterdir())
    out = subprocess.run([DOCA, "start", "-a", "again"], env=s.env(), capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, "run\nrun\n"), out.stderr  # same writable layer, same record
    assert s.doca("logs", "again").stdout == "run\nrun\nrun\n"
    s.doca("cp", "again:/data.txt", str(tmp_path / "data.txt"))
    assert (tmp_path / "data.txt").read_text() == "run\nrun\n"
    assert s.doca("inspect", "-f", "{{.Id}}", "again").stdout.strip() == cid
