"""A container trying to get out the ways runc's CVEs showed, checked from
outside:

- CVE-2019-5736: every process that enters a container (the init before its
  execve, exec's helper) runs from a sealed in-memory copy of the
  interpreter, not the host's binary, and a container scanning /proc/*/exe
  while `doca exec` runs never sees a host binary;
- CVE-2022-0492: with --cap-add SYS_ADMIN (no --privileged) a container can
  mount a cgroup v1 hierarchy but, in its own cgroup namespace, never set a
  release_agent: no program runs on the host.
"""
import errno
import fcntl
import json
import os
import pathlib
import shutil
import tempfile
import time

import pytest

SEALED = "/memfd:doca-python (deleted)"


def _exe(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/exe")


def _assert_sealed(pid: int) -> None:
    """The process runs from the sealed copy, which not even the host's
    root can write to (tried only once it is known to be the copy: a write
    to a host binary would damage the host)."""
    exe = _exe(pid)
    assert exe == SEALED, f"pid {pid} runs from {exe}"
    fd = os.open(f"/proc/{pid}/exe", os.O_RDONLY)
    try:
        seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
    finally:
        os.close(fd)
    wanted = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL
    assert seals & wanted == wanted
    try:
        fd = os.open(f"/proc/{pid}/exe", os.O_WRONLY)
    except OSError as e:  # ETXTBSY while it runs
        assert e.errno in (errno.ETXTBSY, errno.EPERM)
        return
    try:
        with pytest.raises(PermissionError):
            os.write(fd, b"x")
    finally:
        os.close(fd)


def _state(stack, cid: str) -> dict:
    return json.loads(stack.doca("inspect", cid).stdout)[0]["State"]


def _pids_with(text: str) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if text in open(f"/proc/{d}/cmdline", "rb").read().replace(b"\0", b" ").decode():
                    out.append(int(d))
            except OSError:
                pass
    return out


def test_init_shim_and_exec_helper_run_from_a_sealed_copy(stack):
    cid = stack.doca("create", "busybox", "sleep", "60").stdout.strip()
    try:
        procs = pathlib.Path(f"/sys/fs/cgroup/pids/{stack.cgroup_parent}/{cid}/cgroup.procs")
        (init,) = [int(p) for p in procs.read_text().split()]
        _assert_sealed(init)  # held before its execve: still the interpreter
        # (its parent, the shim, is outside the container's pid namespace)
        stack.doca("start", cid)
        stack.doca("exec", "-d", cid, "sleep", "30")
        helpers = _pids_with("services.runtime.setns_init")
        assert helpers, "no exec helper found while an exec runs"
        for pid in helpers:
            _assert_sealed(pid)
    finally:
        stack.doca("rm", "-f", cid)


SCANNER = r"""
: > /tmp/seen
while :; do
  for d in /proc/[0-9]*; do
    [ "$d" = "/proc/$$" ] && continue
    readlink "$d/exe" >> /tmp/seen 2>/dev/null
  done
done
"""


def test_a_container_scanning_proc_exe_during_execs_sees_no_host_binary(stack, tmp_path):
    # /evil runs the caller's own binary as a container process: the trick
    # of CVE-2019-5736. It must only ever be the sealed copy.
    cid = stack.doca("run", "-d", "busybox", "sh", "-c",
                     "printf '#!/proc/self/exe\\n' > /evil && chmod +x /evil && " + SCANNER).stdout.strip()
    try:
        deadline = time.monotonic() + 10
        while stack.doca("exec", cid, "test", "-x", "/evil", check=False).returncode != 0:
            assert time.monotonic() < deadline
        for i in range(15):
            stack.doca("exec", cid, "true")
            stack.doca("exec", cid, "/evil", check=False)
        seen = set(stack.doca("exec", cid, "cat", "/tmp/seen").stdout.split("\n")) - {""}
    finally:
        stack.doca("rm", "-f", cid)
    assert "/bin/busybox" in seen  # the scanner did see the container's own processes
    assert seen <= {"/bin/busybox", SEALED}, f"a host binary was reachable: {seen}"


@pytest.fixture
def host_release_agents():
    """The host's release_agent of every v1 hierarchy, put back if a failed
    defence let a container change one (the test's payload is harmless)."""
    agents = {p: p.read_text() for p in pathlib.Path("/sys/fs/cgroup").glob("*/release_agent")}
    yield
    for path, text in agents.items():
        if path.read_text() != text:
            path.write_text(text or "\n")
            pytest.fail(f"{path} was changed by a container")


@pytest.fixture
def canary_dir():
    d = pathlib.Path(tempfile.mkdtemp(prefix="doca-canary-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _v1_hierarchies() -> list[str]:
    """`mount -o` options naming each cgroup v1 hierarchy of the host, its
    controllers or its name (name=systemd has none: "none,name=...")."""
    controllers = {line.split()[0] for line in open("/proc/cgroups") if not line.startswith("#")}
    out = set()
    for line in open("/proc/self/mountinfo"):
        fields = line.partition(" - ")[2].split()
        if fields and fields[0] == "cgroup":
            opts = [o for o in fields[2].split(",") if o in controllers or o.startswith("name=")]
            if opts:
                out.add(",".join(opts) if any(o in controllers for o in opts) else "none," + ",".join(opts))
    return sorted(out)


@pytest.mark.parametrize("runtime", ["doca", "runc"])
def test_cap_sys_admin_cannot_run_a_host_program_through_release_agent(stack, host_release_agents, canary_dir,
                                                                       runtime):
    """The classic escape, step by step, in every v1 hierarchy of the host
    (the named ones too: name=systemd, which doca sets no limit in): mount
    it, mark a child cgroup notify_on_release, point release_agent at a
    script in the container's upper dir (its host path is in /proc/mounts),
    empty the child. The mounts work (the capability is real); the rest
    must not."""
    proof = canary_dir / "escaped"
    hierarchies = _v1_hierarchies()
    assert any(h.startswith("memory") for h in hierarchies), hierarchies
    tries = "\n".join(f"""
mkdir /cg{i} && mount -t cgroup -o {opts} cgroup /cg{i} && echo MOUNTED {opts}
mkdir -p /cg{i}/x && echo 1 > /cg{i}/x/notify_on_release
if echo "$upper/payload" > /cg{i}/release_agent 2>/dev/null; then echo AGENT-SET {opts}; fi
sh -c 'echo $$ > /cg{i}/x/cgroup.procs' 2>/dev/null
[ -e /cg{i}/release_agent ] && echo AGENT-VISIBLE {opts}""" for i, opts in enumerate(hierarchies))
    script = f"""
upper=$(sed -n 's/.*upperdir=\\([^,]*\\).*/\\1/p' /proc/mounts | head -n 1)
printf '#!/bin/sh\\ntouch {proof}\\n' > /payload && chmod +x /payload
{tries}
grep memory /proc/self/cgroup
true
"""
    out = stack.run("--runtime", runtime, "--cap-add", "SYS_ADMIN", "busybox", "sh", "-c", script)
    time.sleep(0.5)  # a release agent would run asynchronously
    assert out.count("MOUNTED") == len(hierarchies), out
    assert "AGENT-SET" not in out and "AGENT-VISIBLE" not in out, out
    assert "memory:/\n" in out  # its own cgroup namespace, rooted at its cgroup
    assert not proof.exists()


@pytest.mark.parametrize("runtime", ["doca", "runc"])
def test_cgroupns_private_by_default_host_on_request(stack, runtime):
    own = stack.run("--runtime", runtime, "busybox", "cat", "/proc/self/cgroup")
    assert "memory:/\n" in own and stack.cgroup_parent not in own
    host = stack.run("--runtime", runtime, "--cgroupns", "host", "busybox", "cat", "/proc/self/cgroup")
    assert f"memory:/{stack.cgroup_parent}/" in host
    cid = stack.doca("create", "busybox", "true").stdout.strip()
    try:
        assert stack.doca("inspect", "-f", "{{.HostConfig.CgroupnsMode}}", cid).stdout.strip() == "private"
    finally:
        stack.doca("rm", cid)
    r = stack.doca("run", "--rm", "--cgroupns", "bogus", "busybox", "true", check=False)
    assert r.returncode == 125 and r.stderr.count("\n") == 1 and "--cgroupns" in r.stderr


def test_the_cp_helper_runs_from_the_sealed_copy(stack):
    """docker cp's helper joins the container's mount namespace: the same
    sealed interpreter, held here while it waits for the tar on stdin."""
    import subprocess
    from tests.support.stack import DOCA
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    cp = subprocess.Popen([DOCA, "cp", "-", f"{cid}:/tmp"], env=stack.env(), stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not (helpers := _pids_with("services.runtime.copy_init")):
            assert time.monotonic() < deadline and cp.poll() is None, "no cp helper started"
            time.sleep(0.05)
        for pid in helpers:
            _assert_sealed(pid)
    finally:
        cp.communicate(b"", timeout=30)
        stack.doca("rm", "-f", cid)
