"""The store is root's alone: a local user who is not root can neither list
the engine's directories nor read a container's record (secrets passed
with -e), bundle or volume data, nor run a setuid file a container left in
a volume (CVE-2021-41091); a store an older doca left with wide modes is
narrowed when the stack starts.

The stack of these tests lives under a directory every user can walk (a
test stack's usual base, a mkdtemp, is 0700 and would prove nothing)."""
import os
import pathlib
import signal
import stat
import subprocess

import pytest

from tests.support.stack import Stack, temp_stack

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]


def _as_nobody(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run([*NOBODY, *cmd], capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module")
def open_stack():
    # walkable by anyone: only the engine's own modes protect what is inside
    with temp_stack("doca-store-", "store", mode=0o755) as s:
        yield s


def _stop_keeping_containers(s: Stack) -> None:
    """The daemon stopped as a reboot or an upgrade would: containers kept."""
    s.proc.send_signal(signal.SIGTERM)
    s.proc.wait(40)
    s.proc = None
    s.log.close()


def _mode(path: pathlib.Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_local_user_reaches_nothing_a_container_leaves(open_stack):
    s = open_stack
    vol = "secvol-" + os.urandom(3).hex()
    cid = s.doca("run", "-d", "-e", "SECRET=t0p-s3cret", "-v", f"{vol}:/v", "busybox", "sh", "-c",
                 "cp /bin/busybox /v/suid && chmod 4755 /v/suid && echo data > /v/plain && sleep 60").stdout.strip()
    try:
        suid = s.root / "volumes" / vol / "_data" / "suid"
        for _ in range(100):
            if suid.exists() and _mode(suid) & stat.S_ISUID:
                break
            subprocess.run(["sleep", "0.05"])
        assert _mode(suid) & stat.S_ISUID  # the container did leave a setuid root binary
        record = s.root / "runtime" / "containers" / cid / "container.json"
        assert "t0p-s3cret" in record.read_text()  # root sees it...
        for path in (s.root, s.run_dir):
            assert _as_nobody("ls", str(path)).returncode != 0, f"a local user lists {path}"
        for path in (record, s.run_dir / "runtime" / "containers" / cid / "bundle" / "config.json",
                     s.root / "volumes" / vol / "_data" / "plain"):
            r = _as_nobody("cat", str(path))
            assert r.returncode != 0 and "t0p-s3cret" not in r.stdout and "data" not in r.stdout, path
        r = _as_nobody(str(suid), "id", "-u")
        assert r.returncode != 0 and r.stdout.strip() != "0", "a local user ran a container's setuid file as root"
        r = _as_nobody("grep", "-rl", "t0p-s3cret", str(s.root), str(s.run_dir))
        assert r.stdout == ""
    finally:
        s.doca("rm", "-f", cid, check=False)
        s.doca("volume", "rm", "-f", vol, check=False)


def test_state_files_are_root_only(open_stack):
    s = open_stack
    cid = s.doca("create", "-e", "SECRET=x", "busybox", "true").stdout.strip()
    try:
        assert _mode(s.root) == 0o710 and _mode(s.run_dir) == 0o700
        for svc in ("runtime", "images", "network", "volumes"):
            assert _mode(s.root / svc) == 0o700, svc
        run_files = s.run_dir / "runtime" / "containers" / cid
        for path in (s.root / "runtime" / "containers" / cid / "container.json",
                     run_files / "bundle" / "config.json", run_files / "shim.marshal"):
            assert _mode(path) == 0o600, path
    finally:
        s.doca("rm", "-f", cid, check=False)


def test_an_older_stores_wide_modes_are_narrowed_at_start(open_stack):
    s = open_stack
    cid = s.doca("create", "-e", "SECRET=x", "busybox", "true").stdout.strip()
    record = s.root / "runtime" / "containers" / cid / "container.json"
    try:
        _stop_keeping_containers(s)
        for path in (s.root, s.run_dir, *(s.root / svc for svc in ("runtime", "images", "network", "volumes"))):
            path.chmod(0o755)
        record.chmod(0o644)
        s.start()
        assert _mode(s.root) == 0o710 and _mode(s.run_dir) == 0o700
        assert all(_mode(s.root / svc) == 0o700 for svc in ("runtime", "images", "network", "volumes"))
        assert _mode(record) == 0o600
        assert _as_nobody("cat", str(record)).returncode != 0
    finally:
        s.doca("rm", "-f", cid, check=False)
