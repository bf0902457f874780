"""Shims come from a fork server (services/runtime/shim_zygote.py), not from
a fresh interpreter each: a single-threaded child of the runtime service that
forks a detached shim per create. It is started again when it dies (a create
it dropped is served anyway), leaves no zombies, and exits with the runtime
while the shims it made, and their containers, live on."""
import json
import os
import signal
import subprocess
import time

from tests.support.stack import DOCA
from tests.support.waiting import wait_for as _wait_for

HZ = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/PID/stat: [0] state, [1] ppid, [3] session,
    [11] utime, [12] stime, [13] cutime, [14] cstime, [19] start time."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _running(pid: int, started: str | None = None) -> bool:
    """Alive and not a zombie (an orphan may wait a while for PID 1 to reap it)."""
    st = _stat(pid)
    return bool(st) and st[0] not in ("Z", "X") and (started is None or st[19] == started)


def _cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().decode().split("\0")[:-1]


def _cgroups(pid: int) -> str:
    with open(f"/proc/{pid}/cgroup") as f:
        return f.read()


def _children(pid: int) -> list[int]:
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            out += [int(p) for p in f.read().split()]
    return out


def _runtime(s) -> int:
    out = subprocess.run(["pgrep", "-f", f"services.runtime --root {s.root} "], capture_output=True,
                         text=True).stdout.split()
    return int(out[0]) if len(out) == 1 else 0


def _zygote(s, not_pid: int = 0) -> int:
    """The zygote of the stack's runtime (another one than `not_pid`)."""
    def find():
        rt = _runtime(s)
        if not rt:
            return None
        for p in _children(rt):
            try:
                if _cmdline(p)[-1:] == ["--zygote"] and p != not_pid and _running(p):
                    return p
            except OSError:
                pass
        return None
    pid = _wait_for(find)
    assert pid, f"no shim zygote under the runtime of {s.root}"
    return pid


def _inspect(s, ref) -> dict:
    return json.loads(s.doca("inspect", ref).stdout)[0]


def _shim_of(s, cid) -> int:
    init = _inspect(s, cid)["State"]["Pid"]
    return int(_stat(init)[1])


def _zombies_of(*parents: int) -> list[int]:
    return [p for parent in parents for p in _children(parent) if (_stat(p) or ["?"])[0] == "Z"]


def test_shims_are_forks_of_the_zygote(make_stack):
    # The Python loop keeps the shim a Python process: its command line is
    # the zygote's (a fork, no exec), never the fallback's `shim STATE_DIR`.
    s = make_stack("zpy", daemon_env={"DOCA_SHIM_PUMP": ""}).start()
    rt = _runtime(s)
    z = _zygote(s)
    zst = _stat(z)
    assert int(zst[1]) == rt
    with open(f"/proc/{z}/status") as f:
        assert "Threads:\t1\n" in f.read()  # single-threaded: forks are safe
    assert sorted(int(fd) for fd in os.listdir(f"/proc/{z}/fd")) == [0, 1, 2]
    assert _cgroups(z) == _cgroups(rt)  # placed as the runtime is, as the spare shim was
    ids = [s.doca("run", "-d", "--network", "none", "busybox", "sleep", "60").stdout.strip() for _ in range(6)]
    for cid in ids:
        shim = _shim_of(s, cid)
        st = _stat(shim)
        assert _cmdline(shim) == _cmdline(z)
        assert int(st[19]) >= int(zst[19])  # born after the zygote
        assert int(st[1]) == z  # one fork: the zygote's child (the kernel reaps it there)
        assert int(st[3]) == int(st[2]) == shim != int(zst[3])  # a session and process group of its own
        assert _cgroups(shim) == _cgroups(rt)  # only the init joins the container's cgroups
        assert _cgroups(int(_inspect(s, cid)["State"]["Pid"])) != _cgroups(rt)
        # only what a shim holds: no channel to the runtime, no report pipe left
        for fd in os.listdir(f"/proc/{shim}/fd"):
            target = os.readlink(f"/proc/{shim}/fd/{fd}")
            assert fd not in ("0", "1") or target == "/dev/null", (fd, target)
    assert _stat(z)[19] == zst[19]  # the same zygote served them all
    assert sorted(_children(z)) == sorted(_shim_of(s, cid) for cid in ids)  # the shims, nothing else
    assert not _zombies_of(rt, z)
    assert s.doca("exec", ids[0], "echo", "in").stdout == "in\n"
    stopped = _shim_of(s, ids[1])
    s.doca("stop", "-t", "0", ids[1])
    assert _inspect(s, ids[1])["State"]["ExitCode"] == 137  # the exit is still reported
    assert _wait_for(lambda: stopped not in _children(z))  # its shim gone, and no zombie left behind
    assert not _zombies_of(rt, z)
    s.doca("rm", "-f", *ids)


def test_creates_start_no_interpreter(stack):
    # A fresh shim's first process (interpreter start and imports, ~18 ms of
    # CPU) was reaped by the runtime: its CPU showed in the runtime's
    # cutime/cstime. Forks of the zygote are not the runtime's children.
    rt = _runtime(stack)
    before = _stat(rt)
    ids = [stack.doca("create", "--network", "none", "busybox", "true").stdout.strip() for _ in range(8)]
    after = _stat(rt)
    stack.doca("rm", "-f", *ids)
    children_ms = (int(after[13]) + int(after[14]) - int(before[13]) - int(before[14])) * 1000 / HZ
    assert children_ms < 8 * 5, children_ms


def test_zygote_killed_is_restarted_and_creates_go_on(make_stack):
    s = make_stack("zk").start()
    rt = _runtime(s)
    first = _zygote(s)
    os.kill(first, signal.SIGKILL)
    # at once: served by a new zygote, or by a fresh shim while it starts
    a = s.doca("run", "-d", "--network", "none", "busybox", "sleep", "60").stdout.strip()
    second = _zygote(s, not_pid=first)
    assert int(_stat(second)[1]) == rt
    assert _wait_for(lambda: not os.path.exists(f"/proc/{first}"))  # reaped, not a zombie
    b = s.doca("run", "-d", "--network", "none", "busybox", "sleep", "60").stdout.strip()

    # A zygote that dies holding a request: nothing was started for it, the
    # runtime starts the shim another way and the create succeeds.
    time.sleep(2.5)  # (a zygote that died young would make the runtime wait a little first)
    os.kill(second, signal.SIGSTOP)
    try:
        late = subprocess.Popen([DOCA, "run", "-d", "--network", "none", "busybox", "sleep", "60"], env=s.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert late.poll() is None  # waiting for the stopped zygote
    finally:
        os.kill(second, signal.SIGKILL)
    out, err = late.communicate(timeout=60)
    assert late.returncode == 0, err
    c = out.strip()
    third = _zygote(s, not_pid=second)
    for cid in (a, b, c):
        assert _inspect(s, cid)["State"]["Running"]
    assert s.doca("exec", c, "echo", "ok").stdout == "ok\n"
    assert _zygote(s) == third
    assert not _zombies_of(rt, third)
    s.doca("rm", "-f", a, b, c)


def test_zygote_exits_with_the_runtime_and_shims_live_on(make_stack):
    s = make_stack("zx").start()
    cid = s.doca("run", "-d", "busybox", "sh", "-c", "while :; do echo tick; sleep 0.2; done").stdout.strip()
    init = _inspect(s, cid)["State"]["Pid"]
    shim = _shim_of(s, cid)
    shim_start = _stat(shim)[19]
    z = _zygote(s)
    z_start = _stat(z)[19]

    os.kill(_runtime(s), signal.SIGKILL)  # EOF on the zygote's channel; the daemon starts the runtime again
    assert _wait_for(lambda: not _running(z, z_start))
    assert _running(shim, shim_start) and _running(init)
    z2 = _zygote(s, not_pid=z)
    assert _wait_for(lambda: s.doca("ps", "-q", "--no-trunc", check=False).stdout.split() == [cid])
    ticks = s.doca("logs", cid).stdout.count("tick")
    assert _wait_for(lambda: s.doca("logs", cid).stdout.count("tick") > ticks + 2)

    z2_start = _stat(z2)[19]
    s.proc.send_signal(signal.SIGTERM)  # the whole stack stops, the container does not
    s.proc.wait(40)
    assert _wait_for(lambda: not _running(z2, z2_start))
    assert _running(shim, shim_start) and _running(init)
    s.start()
    assert _inspect(s, cid)["State"]["Running"]
    assert s.doca("exec", cid, "echo", "back").stdout == "back\n"
    s.doca("stop", "-t", "1", cid)
    assert _inspect(s, cid)["State"]["ExitCode"] == 137
