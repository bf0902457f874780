"""Docker's run/create flags beyond the limits, through the CLI: what the
container sees (its mounts, devices, namespaces, /dev/shm, OOM score) and
what the client writes (--cidfile). tests/compat compares the same flags
with a real dockerd; these run without one."""
import json
import os


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def test_cidfile_written_once_created_and_kept(stack, tmp_path):
    cidfile = tmp_path / "cid"
    cid = stack.doca("create", "--cidfile", str(cidfile), "busybox", "true").stdout.strip()
    try:
        assert cidfile.read_text() == cid
        again = stack.doca("create", "--cidfile", str(cidfile), "busybox", "true", check=False)
        assert again.returncode == 1 and "container ID file found" in again.stderr
    finally:
        stack.doca("rm", cid)
    failed = stack.doca("run", "--cidfile", str(tmp_path / "other"), "--memory-swap", "1x", "busybox", "true",
                        check=False)
    assert failed.returncode == 125 and not (tmp_path / "other").exists()  # a failed create leaves no file


def test_label_file_then_label(stack, tmp_path):
    labels = tmp_path / "labels"
    labels.write_text("# a comment\na=1\n\nb=2\nbare\n")
    cid = stack.doca("create", "--label-file", str(labels), "-l", "b=3", "busybox", "true").stdout.strip()
    try:
        assert _inspect(stack, cid)["Config"]["Labels"] == {"a": "1", "b": "3"}
    finally:
        stack.doca("rm", cid)


def test_mount_bind_volume_tmpfs(stack, tmp_path):
    (tmp_path / "f").write_text("from the host\n")
    out = stack.run("--mount", f"type=bind,source={tmp_path},target=/b,readonly",
                    "--mount", "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770",
                    "--mount", "type=volume,target=/v",
                    "busybox", "sh", "-c", "cat /b/f; touch /b/x 2>/dev/null || echo ro; stat -c %a /t; "
                                           "grep ' /t ' /proc/mounts; touch /v/ok && echo volume")
    lines = out.splitlines()
    assert lines[:3] == ["from the host", "ro", "1770"]
    assert "size=1024k" in lines[3] and "noexec" in lines[3] and lines[4] == "volume"
    r = stack.doca("run", "--rm", "--mount", f"type=bind,source={tmp_path}/nosuch,target=/b", "busybox", "true",
                   check=False)
    assert r.returncode == 125 and "bind source path does not exist" in r.stderr
    assert not (tmp_path / "nosuch").exists()  # --mount never makes it (-v does)


def test_device_shm_and_oom_score(stack):
    out = stack.run("--device", "/dev/kmsg:/dev/k:r", "--shm-size", "96m", "--oom-score-adj", "250", "busybox",
                    "sh", "-c", "stat -c '%t:%T' /dev/k; df -k /dev/shm | tail -1; cat /proc/self/oom_score_adj; "
                                "tail -1 /sys/fs/cgroup/devices/devices.list")
    lines = out.splitlines()
    st = os.stat("/dev/kmsg")
    assert lines[0] == f"{os.major(st.st_rdev):x}:{os.minor(st.st_rdev):x}"
    assert lines[1].split()[1] == str(96 * 1024) and lines[2] == "250"
    assert lines[3] == f"c {os.major(st.st_rdev)}:{os.minor(st.st_rdev)} r"
    cid = stack.doca("create", "--device", "/dev/kmsg", "--shm-size", "1g", "--device-cgroup-rule", "c 1:3 mr",
                     "busybox", "true").stdout.strip()
    try:
        hc = _inspect(stack, cid)["HostConfig"]
        assert hc["Devices"] == [{"PathOnHost": "/dev/kmsg", "PathInContainer": "/dev/kmsg",
                                  "CgroupPermissions": "rwm"}]
        assert hc["ShmSize"] == 1 << 30 and hc["DeviceCgroupRules"] == ["c 1:3 mr"]
    finally:
        stack.doca("rm", cid)


def test_host_namespaces(stack):
    host = {ns: os.readlink(f"/proc/self/ns/{ns}") for ns in ("pid", "ipc", "uts")}
    out = stack.run("--pid", "host", "--ipc", "host", "--uts", "host", "busybox", "sh", "-c",
                    "for ns in pid ipc uts; do readlink /proc/self/ns/$ns; done; hostname")
    assert out.split() == [host["pid"], host["ipc"], host["uts"], os.uname().nodename]
    own = stack.run("busybox", "sh", "-c", "for ns in pid ipc uts; do readlink /proc/self/ns/$ns; done").split()
    assert len(own) == 3 and not set(own) & set(host.values())


def test_log_driver_none_runs_attached_and_refuses_logs(stack):
    r = stack.doca("run", "--name", "nolog", "--log-driver", "none", "busybox", "echo", "shown")
    try:
        assert r.stdout == "shown\n"
        logs = stack.doca("logs", "nolog", check=False)
        assert logs.returncode == 1 and "configured logging driver does not support reading" in logs.stderr
        assert _inspect(stack, "nolog")["HostConfig"]["LogConfig"]["Type"] == "none"
    finally:
        stack.doca("rm", "nolog")


def test_detach_keys(stack):
    """run -it --detach-keys: Docker's key sequence detaches (ctrl-p
    ctrl-q does not then); a bad sequence is refused before anything is made."""
    from tests.support.ptyrun import PtyProcess
    from tests.support.stack import DOCA
    p = PtyProcess([DOCA, "run", "-it", "--name", "keys", "--detach-keys", "ctrl-x,y", "busybox", "sh"],
                   env=stack.env())
    try:
        p.expect(b"# ")
        p.write(b"\x10\x11echo still-$((1+1))\r")  # ctrl-p ctrl-q: plain input now
        p.expect(b"still-2\r\n")
        p.write(b"\x18y")  # ctrl-x y
        assert p.wait() == 0
    finally:
        p.close()
    try:
        assert json.loads(stack.doca("inspect", "keys").stdout)[0]["State"]["Running"]
    finally:
        stack.doca("rm", "-f", "keys")
    r = stack.doca("run", "--rm", "--detach-keys", "ctrl-1", "busybox", "true", check=False)
    assert r.returncode == 125 and "Invalid detach keys (ctrl-1) provided" in r.stderr


def test_signals_to_an_attached_run_reach_the_container(stack):
    """Docker's --sig-proxy default: a run without -t passes the signals it
    gets to the container's process and goes on until it exits."""
    import signal
    import subprocess
    from tests.support.stack import DOCA
    p = subprocess.Popen([DOCA, "run", "--rm", "busybox", "sh", "-c",
                          "trap 'echo got; exit 7' INT TERM; echo ready; while :; do sleep 0.1; done"],
                         env=stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "ready\n"
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        assert (out, p.returncode) == ("got\n", 7), err
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
