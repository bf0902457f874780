"""An interrupted test run leaves nothing behind: a child pytest that started
stacks (the session's and one no fixture holds) and a container in each, then
hangs, is sent SIGTERM (`timeout` expiring) or SIGINT (^C); once it exits,
nothing of its stacks is left: processes, bridges, iptables chains, cgroups,
mounts."""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

from tests.support.stack import REPO, Stack

CHILD = textwrap.dedent('''
    import json, os, time
    from tests.support.stack import Stack

    def test_hang(stack, tmp_path):
        bare = Stack(tmp_path, "bare").start()  # no fixture destroys it: the STARTED sweep does
        info = []
        for s in (stack, bare):
            s.doca("run", "-d", "-p", "80", "busybox", "sleep", "600")
            info.append({"root": str(s.root), "run_dir": str(s.run_dir), "bridge": s.bridge,
                         "cgroup_parent": s.cgroup_parent, "daemon": s.proc.pid})
        with open(os.environ["INFO"] + ".tmp", "w") as f:
            json.dump(info, f)
        os.rename(os.environ["INFO"] + ".tmp", os.environ["INFO"])
        time.sleep(600)
''')


def _leftover_stack(d: dict) -> Stack:
    """A Stack object for a child's stack (for its leftovers and clean-up)."""
    s = Stack.__new__(Stack)
    s.root, s.run_dir = pathlib.Path(d["root"]), pathlib.Path(d["run_dir"])
    s.bridge, s.cgroup_parent, s.proc = d["bridge"], d["cgroup_parent"], None
    return s


def _daemons_under(path: pathlib.Path) -> list[Stack]:
    """Stacks whose daemon still runs with a root under `path` (found by
    command line), for a forced clean-up."""
    found = []
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    for line in ps.splitlines():
        m = re.search(r"doca-py daemon --root (\S+)/root-(\S+) .*--run-dir (\S+) .*--bridge (\S+) "
                      r".*--cgroup-parent (\S+)", line)
        if m and m.group(1).startswith(str(path)):
            found.append(_leftover_stack({"root": f"{m.group(1)}/root-{m.group(2)}", "run_dir": m.group(3),
                                          "bridge": m.group(4), "cgroup_parent": m.group(5)}))
    return found


@pytest.fixture
def short_base():
    """The child's --basetemp, short: its stacks' socket paths must stay under
    the 107 bytes of a unix socket address, which tmp_path under xdist
    (.../popen-gwN/test_interrupted_run_leaves_no0/base/test_hang0/...) passes."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="doca-int-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_interrupted_run_leaves_nothing(tmp_path, sig, short_base):
    (tmp_path / "test_child.py").write_text(CHILD)
    info_path = tmp_path / "info.json"
    child = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "--basetemp", str(short_base), str(tmp_path / "test_child.py")],
        cwd=REPO, env={**os.environ, "INFO": str(info_path)}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    stacks = []
    try:
        deadline = time.monotonic() + 120  # two stacks and their containers, on a loaded machine
        while not info_path.exists():
            assert child.poll() is None, child.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the child's containers never ran"
            time.sleep(0.05)
        stacks = [_leftover_stack(d) for d in json.loads(info_path.read_text())]
        for d in json.loads(info_path.read_text()):
            os.kill(d["daemon"], 0)  # up before the signal
        assert all(s.cgroup_dirs() for s in stacks)  # the containers run
        child.send_signal(sig)
        out, _ = child.communicate(timeout=40)
        out = out.decode(errors="replace")
        assert child.returncode != 0, out
        assert f"KeyboardInterrupt: {sig.name}" in out, out
        for d, s in zip(json.loads(info_path.read_text()), stacks):
            assert not pathlib.Path(f"/proc/{d['daemon']}").exists(), out
            assert s.leftovers() == [], out
            assert not s.root.exists() and not s.run_dir.exists(), out
    finally:
        if child.poll() is None:  # the test failed before its signal: the child's own clean-up first
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                stacks += _daemons_under(short_base)  # its stacks' daemons run in sessions of their own
        for s in stacks:  # a failed test must not leak into the rest of the suite
            s.force_clean()


def test_force_clean_of_a_dead_stack(make_stack):
    """A stack whose daemon died without a word (its whole process group
    killed: the network service removed nothing) and whose container is
    frozen: force_clean() leaves nothing of it."""
    s = make_stack("wedged").start()
    cid = s.doca("run", "-d", "-p", "80", "busybox", "sleep", "600").stdout.strip()
    s.doca("pause", cid)
    os.killpg(s.proc.pid, signal.SIGKILL)
    s.proc.wait()
    assert s.leftovers()  # the bridge, the chains, the cgroups, the container
    s.force_clean()
    assert s.leftovers() == []
    assert not s.root.exists() and not s.run_dir.exists()
