"""A container's run-time files (bundle, the shim's files) live on a tmpfs
under <run dir>/runtime, its record and log under --root; the tmpfs goes
with the last container, and files lost with it (a reboot) are written
again from the record when the container is used."""
import json
import signal
import subprocess

from tests.stack import DOCA


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
