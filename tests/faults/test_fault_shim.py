"""A container's shim killed (SIGKILL): the runtime never reports the
container exited while a process of it still runs. What is left of it is
killed (exit code 137, State.Error says why), `start` runs one init again,
stop and rm reach every process, and rm leaves no cgroup in any hierarchy.
Checked on the host: cgroup.procs of every hierarchy and /proc."""
import json
import os
import signal
import subprocess
import time

from tests.support.waiting import wait_for

CMD = ["busybox", "sh", "-c", "sleep 1000 & sleep 1000"]


def _inspect(s, ref):
    return json.loads(s.doca("inspect", ref).stdout)[0]


def _state(s, ref):
    return _inspect(s, ref)["State"]


def _cgroup_roots() -> list[str]:
    """Mount points of every cgroup hierarchy of the host (v1 controllers,
    name=systemd, a hybrid host's cgroup2)."""
    roots = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            if post.split()[:1] in (["cgroup"], ["cgroup2"]):
                roots.append(pre.split()[4])
    return sorted(set(roots))


def _container_dirs(s, cid) -> list[str]:
    return [os.path.join(r, s.cgroup_parent, cid) for r in _cgroup_roots()]


def _cgroup_pids(s, cid) -> set[int]:
    """Every process in the container's cgroups (and below), in every hierarchy."""
    pids = set()
    for top in _container_dirs(s, cid):
        for path, _, _ in os.walk(top):
            try:
                with open(os.path.join(path, "cgroup.procs")) as f:
                    pids.update(int(p) for p in f.read().split())
            except FileNotFoundError:
                pass
    return pids


def _stat(pid):
    """(state, ppid, start time) of a live process, None when gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    if fields[0] in (b"Z", b"X"):
        return None
    return fields[0], int(fields[1]), int(fields[19])


def _alive(procs: dict[int, int]) -> list[int]:
    """Which of {pid: start time} still run."""
    return [p for p, start in procs.items() if (st := _stat(p)) and st[2] == start]


def _snapshot(pids) -> dict[int, int]:
    return {p: st[2] for p in pids if (st := _stat(p))}


def _stack_processes(s) -> list[int]:
    """`sleep 1000` processes of this stack's containers (other stacks may run the same)."""
    out = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True).stdout.split()
    mine = []
    for p in map(int, out):
        try:
            with open(f"/proc/{p}/cgroup") as f:
                if f"/{s.cgroup_parent}/" in f.read():
                    mine.append(p)
        except FileNotFoundError:
            pass
    return mine


def _inits(pids) -> list[int]:
    """The processes that are pid 1 of their own pid namespace."""
    inits = []
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                nspid = next(line for line in f if line.startswith("NSpid:")).split()[1:]
        except (FileNotFoundError, StopIteration):
            continue
        if len(nspid) > 1 and nspid[-1] == "1":
            inits.append(p)
    return inits


def _kill_shim(s, cid) -> tuple[int, dict[int, int]]:
    """SIGKILLs the container's shim (found from the host, without asking the
    runtime, which may be away: the parent of the process of the container's
    cgroups that is pid 1 of its namespace); returns its pid and the
    container's processes as they were."""
    assert wait_for(lambda: len(_cgroup_pids(s, cid)) == 2, 10, 0.05), _cgroup_pids(s, cid)
    pids = _cgroup_pids(s, cid)
    procs = _snapshot(pids)
    (init,) = _inits(pids)
    shim = _stat(init)[1]
    with open(f"/proc/{shim}/cmdline", "rb") as f:
        cmd = f.read()
    assert b"doca-pump" in cmd or b"services.runtime.shim" in cmd, cmd  # the native pump or the Python shim
    os.kill(shim, signal.SIGKILL)
    return shim, procs


def _exited_and_empty(s, cid, procs) -> bool:
    """Whether the container is reported exited; when it is, nothing of it
    may run (checked right after the report, every time)."""
    state = _state(s, cid)
    if state["Status"] != "exited":
        return False
    assert not _cgroup_pids(s, cid), (state, _cgroup_pids(s, cid))
    assert not _alive(procs), (state, _alive(procs))
    return True


def _never_exited_while_running(s, cid, procs, seconds):
    """For `seconds`, each look at the container: exited means nothing of it runs."""
    deadline = time.monotonic() + seconds
    exited = False
    while time.monotonic() < deadline:
        exited = _exited_and_empty(s, cid, procs)
        time.sleep(0.05)
    return exited


def _assert_one_run(s, cid, old):
    pids = _cgroup_pids(s, cid)
    assert not _alive(old), _alive(old)
    assert len(_inits(pids)) == 1, pids
    assert len(pids) == 2, pids  # the init (sh exec'd the last sleep) and the background sleep


def _assert_gone(s, cid):
    left = [d for d in _container_dirs(s, cid) if os.path.exists(d)]
    assert not left, left
    assert not _stack_processes(s)


def test_shim_killed(make_stack):
    s = make_stack("fs1").start()
    cid = s.doca("run", "-d", *CMD).stdout.strip()
    _, procs = _kill_shim(s, cid)
    # Within a few seconds it is exited, and nothing of it is left.
    assert wait_for(lambda: _exited_and_empty(s, cid, procs), 10, 0.05)
    assert _never_exited_while_running(s, cid, procs, 1.0)
    state = _state(s, cid)
    assert state["ExitCode"] == 137 and not state["Running"] and state["Pid"] == 0
    assert "shim died" in state["Error"]
    assert not _cgroup_pids(s, cid) and not _alive(procs) and not _stack_processes(s)
    assert cid not in s.doca("ps", "-q", "--no-trunc").stdout
    events = s.doca("events", "--since", "0", "--until", str(int(time.time()) + 1), "--format", "json",
                    "--filter", f"container={cid}", "--filter", "event=die").stdout.splitlines()
    assert [json.loads(e)["Actor"]["Attributes"]["exitCode"] for e in events] == ["137"], events

    # start: one init again, none of the old processes
    s.doca("start", cid)
    assert _state(s, cid)["Status"] == "running"
    assert wait_for(lambda: len(_cgroup_pids(s, cid)) == 2, 10, 0.05)
    _assert_one_run(s, cid, procs)

    # stop reaches every process of it
    s.doca("stop", "-t", "1", cid)
    assert _state(s, cid)["Status"] == "exited"
    assert not _cgroup_pids(s, cid)

    # the shim of the second run killed too, then rm -f
    s.doca("start", cid)
    _, procs = _kill_shim(s, cid)
    s.doca("rm", "-f", cid)
    assert not _alive(procs)
    _assert_gone(s, cid)


def test_shim_killed_then_kill_and_rm(make_stack):
    """The verbs that come right after the shim's death (before the runtime
    noticed, or after) reach every process: kill, then rm -f."""
    s = make_stack("fs2").start()
    a = s.doca("run", "-d", *CMD).stdout.strip()
    b = s.doca("run", "-d", *CMD).stdout.strip()
    _, pa = _kill_shim(s, a)
    _, pb = _kill_shim(s, b)
    r = s.doca("kill", a, check=False)  # an error (not running) or a kill: either way nothing is left
    assert _state(s, a)["Status"] == "exited", r
    assert not _alive(pa) and not _cgroup_pids(s, a)
    s.doca("rm", "-f", b)
    assert not _alive(pb)
    _assert_gone(s, b)
    s.doca("rm", a)
    _assert_gone(s, a)


def test_paused_container_shim_killed(make_stack):
    s = make_stack("fs3").start()
    cid = s.doca("run", "-d", *CMD).stdout.strip()
    assert wait_for(lambda: len(_cgroup_pids(s, cid)) == 2, 10, 0.05)
    s.doca("pause", cid)
    _, procs = _kill_shim(s, cid)
    assert wait_for(lambda: _exited_and_empty(s, cid, procs), 10, 0.05)
    s.doca("start", cid)  # the freezer was thawed: the new init runs
    assert wait_for(lambda: len(_cgroup_pids(s, cid)) == 2, 10, 0.05)
    _assert_one_run(s, cid, procs)
    assert s.doca("exec", cid, "echo", "in").stdout == "in\n"
    s.doca("rm", "-f", cid)
    _assert_gone(s, cid)


def test_restart_always_shim_killed(make_stack):
    s = make_stack("fs4").start()
    cid = s.doca("run", "-d", "--restart", "always", *CMD).stdout.strip()
    _, procs = _kill_shim(s, cid)

    def restarted():
        doc = _inspect(s, cid)
        if doc["State"]["Status"] == "exited":
            assert not _alive(procs) and not _cgroup_pids(s, cid), doc["State"]
        elif doc["State"]["Status"] == "restarting":  # the next run's init may be there already
            assert not _alive(procs), doc["State"]
        return doc["RestartCount"] >= 1 and doc["State"]["Status"] == "running"
    assert wait_for(restarted, 15, 0.05)
    assert wait_for(lambda: len(_cgroup_pids(s, cid)) == 2, 10, 0.05)
    _assert_one_run(s, cid, procs)
    # Again, with the restarted run's shim.
    _, procs2 = _kill_shim(s, cid)
    assert wait_for(lambda: _inspect(s, cid)["RestartCount"] >= 2 and _state(s, cid)["Status"] == "running", 15, 0.05)
    assert wait_for(lambda: len(_cgroup_pids(s, cid)) == 2, 10, 0.05)
    _assert_one_run(s, cid, {**procs, **procs2})
    s.doca("rm", "-f", cid)
    assert not _alive(procs2)
    _assert_gone(s, cid)




def test_shim_killed_while_runtime_down(make_stack):
    """Live restore: the runtime service comes back to a container whose
    shim died while it was away: it kills what is left before it calls it
    exited; a --restart always container runs again, alone."""
    s = make_stack("fs5").start()
    cid = s.doca("run", "-d", *CMD).stdout.strip()
    always = s.doca("run", "-d", "--restart", "always", *CMD).stdout.strip()
    runtime = s.service_pid("services.runtime")
    os.kill(runtime, signal.SIGKILL)  # the daemon starts it again
    _, procs = _kill_shim(s, cid)
    _, procs_always = _kill_shim(s, always)
    assert wait_for(lambda: s.doca("ps", "-q", check=False).returncode == 0, 30, 0.1)
    assert s.service_pid("services.runtime") != runtime
    state = _state(s, cid)
    assert state["Status"] == "exited" and state["ExitCode"] == 137, state
    assert not _cgroup_pids(s, cid) and not _alive(procs)
    assert wait_for(lambda: _inspect(s, always)["RestartCount"] >= 1 and _state(s, always)["Status"] == "running",
                    15, 0.05)
    assert wait_for(lambda: len(_cgroup_pids(s, always)) == 2, 10, 0.05)
    _assert_one_run(s, always, procs_always)
    s.doca("rm", "-f", cid, always)
    _assert_gone(s, cid)
    _assert_gone(s, always)

