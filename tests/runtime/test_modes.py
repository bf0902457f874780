"""Namespaces a container takes from elsewhere, seen from outside:
--network host (the host's network namespace; the host's interfaces
unchanged), --network/--pid container:NAME (the donor's, joined again at a
restart of the donor), exec into such a container, and --sig-proxy=false.
tests/compat compares the same with a real dockerd."""
import os
import shutil
import signal
import subprocess

import pytest

from tests.support.stack import DOCA
from tests.support.waiting import wait_for


def _doca(stack, *args) -> str:
    return stack.doca(*args).stdout


def _bridge_ports(stack) -> list[str]:
    """The veths on the stack's own bridge (other stacks' links come and go
    meanwhile: only this stack's are ours to count)."""
    brif = f"/sys/class/net/{stack.bridge}/brif"
    return sorted(os.listdir(brif)) if os.path.isdir(brif) else []


def test_network_host_is_the_hosts_namespace(stack):
    before = _bridge_ports(stack)
    _doca(stack, "run", "-d", "--network", "host", "--name", "m-hostnet", "busybox", "sleep", "300")
    try:
        out = _doca(stack, "exec", "m-hostnet", "readlink", "/proc/self/ns/net")
        assert out.strip() == os.readlink("/proc/self/ns/net")
        assert _bridge_ports(stack) == before  # no veth made
        assert _doca(stack, "exec", "m-hostnet", "hostname").strip() == os.uname().nodename
    finally:
        stack.doca("rm", "-f", "m-hostnet", check=False)


def test_container_modes_join_the_donor_and_exec_works(stack):
    _doca(stack, "run", "-d", "--network", "none", "--name", "m-donor", "busybox", "sleep", "300")
    try:
        _doca(stack, "run", "-d", "--network", "container:m-donor", "--pid", "container:m-donor",
                  "--name", "m-joiner", "busybox", "sleep", "300")
        donor_net = _doca(stack, "exec", "m-donor", "readlink", "/proc/self/ns/net")
        assert _doca(stack, "exec", "m-joiner", "readlink", "/proc/self/ns/net") == donor_net
        assert "sleep 300" in _doca(stack, "exec", "m-joiner", "cat", "/proc/1/cmdline").replace("\0", " ")
        # the donor restarted: the joiner's next start joins its new namespaces
        _doca(stack, "restart", "-t", "0", "m-donor")
        _doca(stack, "start", "m-joiner")
        assert _doca(stack, "exec", "m-joiner", "readlink", "/proc/self/ns/pid") == \
            _doca(stack, "exec", "m-donor", "readlink", "/proc/self/ns/pid")
        _doca(stack, "stop", "-t", "0", "m-donor")
        r = stack.doca("start", "m-joiner", check=False)
        assert r.returncode == 1 and "cannot join network of a non running container" in r.stderr
    finally:
        stack.doca("rm", "-f", "m-joiner", "m-donor", check=False)


def test_sig_proxy_false_leaves_the_container_running(stack):
    """--sig-proxy=false: the CLI's SIGTERM ends the CLI, not the container."""
    p = subprocess.Popen([DOCA, "run", "--sig-proxy=false", "--name", "m-noproxy", "busybox", "sh", "-c",
                          "trap 'echo got; exit 7' TERM; echo ready; while :; do sleep 0.1; done"],
                         env=stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "ready\n"
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=20)
        assert p.returncode != 7
        assert _doca(stack, "inspect", "-f", "{{.State.Running}}", "m-noproxy").strip() == "true"
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
        stack.doca("rm", "-f", "m-noproxy", check=False)


@pytest.mark.parametrize("runtime", ["runc", "crun"])
def test_oci_runtimes_join_by_path(stack, runtime):
    """runc and crun take config.json's namespace paths themselves."""
    if not shutil.which(runtime):
        pytest.skip(f"{runtime} is not installed")
    _doca(stack, "run", "-d", "--network", "none", "--ipc", "shareable", "--name", f"m-{runtime}", "busybox",
          "sleep", "300")
    try:
        out = _doca(stack, "run", "--rm", "--runtime", runtime, "--network", f"container:m-{runtime}",
                    "--pid", f"container:m-{runtime}", "--ipc", f"container:m-{runtime}", "busybox", "sh", "-c",
                    "cat /proc/1/cmdline; echo; readlink /proc/self/ns/ipc")
        donor_ipc = _doca(stack, "exec", f"m-{runtime}", "readlink", "/proc/self/ns/ipc")
        assert out == "sleep\x00300\x00\n" + donor_ipc
    finally:
        stack.doca("rm", "-f", f"m-{runtime}", check=False)


def test_joiner_hostname_is_its_own_until_it_starts(stack):
    """Docker's Config.Hostname of a --network container: one: its own short
    id while created, the donor's (whose UTS name it runs with) once started."""
    donor = _doca(stack, "run", "-d", "--network", "none", "--name", "m-host-donor", "busybox", "sleep", "60").strip()
    try:
        cid = _doca(stack, "create", "--network", "container:m-host-donor", "--name", "m-host-joiner",
                    "busybox", "sleep", "60").strip()
        assert _doca(stack, "inspect", "-f", "{{.Config.Hostname}}", cid).strip() == cid[:12]
        _doca(stack, "start", cid)
        assert _doca(stack, "inspect", "-f", "{{.Config.Hostname}}", cid).strip() == donor[:12]
        assert _doca(stack, "exec", cid, "hostname").strip() == donor[:12]
    finally:
        stack.doca("rm", "-f", "m-host-joiner", "m-host-donor", check=False)


def test_joiner_created_while_its_donor_is_stopped(stack):
    """Docker creates a container joining a stopped one's namespaces and
    joins them at start: a start while the donor is stopped fails in
    Docker's words (the joiner stays created, State.Error says why, exit
    code 128); once the donor runs, the joiner sees its interfaces and
    shares its pid and ipc namespaces."""
    _doca(stack, "create", "--ipc", "shareable", "--name", "m-late-donor", "busybox", "sleep", "300")
    try:
        cid = _doca(stack, "create", "--network", "container:m-late-donor", "--pid", "container:m-late-donor",
                    "--ipc", "container:m-late-donor", "--name", "m-late", "busybox", "sleep", "300").strip()
        state = "{{.State.Status}} {{.State.Pid}} {{.State.ExitCode}} {{.State.Error}}"
        assert _doca(stack, "inspect", "-f", state, cid).split()[:3] == ["created", "0", "0"]
        _doca(stack, "stop", "-t", "0", cid)  # nothing runs: Docker's stop of a created container
        r = stack.doca("start", cid, check=False)
        assert r.returncode == 1 and "cannot join network of a non running container" in r.stderr
        assert _doca(stack, "inspect", "-f", state, cid).split(None, 3)[::2] == \
            ["created", "128"] and "cannot join network" in _doca(stack, "inspect", "-f", "{{.State.Error}}", cid)
        _doca(stack, "start", "m-late-donor")
        _doca(stack, "start", cid)
        assert _doca(stack, "inspect", "-f", "{{.State.Status}}", cid).strip() == "running"
        donor_addrs = _doca(stack, "exec", "m-late-donor", "ip", "-o", "addr")
        assert "eth0" in donor_addrs  # the default bridge's interface, not only lo
        assert _doca(stack, "exec", cid, "ip", "-o", "addr") == donor_addrs
        for ns in ("net", "pid", "ipc"):
            assert _doca(stack, "exec", cid, "readlink", f"/proc/self/ns/{ns}") == \
                _doca(stack, "exec", "m-late-donor", "readlink", f"/proc/self/ns/{ns}")
    finally:
        stack.doca("rm", "-f", "m-late", "m-late-donor", check=False)


@pytest.mark.parametrize("kind,words", [("network", "cannot join network of a non running container"),
                                        ("pid", "is not running"), ("ipc", "is not running")])
def test_run_rm_with_a_stopped_donor_fails_and_removes(stack, kind, words):
    """docker run --rm whose start fails: the daemon removes the container
    before it answers; without --rm it stays, created."""
    _doca(stack, "create", "--network", "none", "--ipc", "shareable", "--name", "m-gone-donor", "busybox", "true")
    try:
        net = () if kind == "network" else ("--network", "none")
        for detach in ((), ("-d",)):
            r = stack.doca("run", *detach, "--rm", *net, f"--{kind}", "container:m-gone-donor", "--name", "m-gone",
                           "busybox", "true", check=False)
            assert r.returncode == 125 and words in r.stderr
            assert "m-gone\n" not in _doca(stack, "ps", "-a", "--format", "{{.Names}}")
        r = stack.doca("run", *net, f"--{kind}", "container:m-gone-donor", "--name", "m-gone", "busybox", "true",
                       check=False)
        assert r.returncode == 125
        assert _doca(stack, "inspect", "-f", "{{.State.Status}}", "m-gone").strip() == "created"
    finally:
        stack.doca("rm", "-f", "m-gone", "m-gone-donor", check=False)


def test_joiner_without_an_init_survives_a_runtime_restart(make_stack):
    """A joiner created while its donor is stopped has no shim: the runtime
    started again keeps it created (not an interrupted create, nothing
    lost), and it starts once its donor runs."""
    s = make_stack("mj").start()
    s.doca("create", "--name", "mj-donor", "busybox", "sleep", "300")
    cid = s.doca("create", "--restart", "always", "--network", "container:mj-donor", "--name", "mj-joiner",
                 "busybox", "sleep", "300").stdout.strip()
    os.kill(s.service_pid("services.runtime"), signal.SIGKILL)  # the daemon starts it again
    assert wait_for(lambda: s.doca("ps", "-a", "-q", "--no-trunc", check=False).stdout.split().count(cid) == 1,
                    30, 0.1)
    assert s.doca("inspect", "-f", "{{.State.Status}}", cid).stdout == "created\n"
    s.doca("start", "mj-donor")
    s.doca("start", cid)
    assert s.doca("exec", cid, "ip", "-o", "addr").stdout == s.doca("exec", "mj-donor", "ip", "-o", "addr").stdout
    s.doca("rm", "-f", cid, "mj-donor")
