"""run/create's flags docker 28 has and docker 20.10's CLI has not (so not
in the differential suite): -q, --annotation, --health-start-interval,
--use-api-socket; and what only a started container shows: --cgroup-parent
(under the stack's own cgroup parent only), -a with -i, --ip6 on a bridge.
The rest: tests/compat/cases/run_more.py."""
import json
import os
import pathlib
import time

import pytest

NONE = ("--network", "none")


def _inspect(stack, name, template):
    return stack.doca("inspect", "-f", template, name).stdout.strip()


def test_quiet_run_says_nothing_of_the_pull(stack, registry):
    ref = f"{registry.address}/h7/busybox:q"
    stack.doca("tag", "busybox", ref)
    stack.doca("push", ref)
    stack.doca("rmi", ref)
    try:
        r = stack.doca("run", "--rm", "-q", *NONE, ref, "echo", "hi")
        assert r.stdout == "hi\n"
        assert r.stderr == ""  # no "Unable to find image", no progress
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_quiet_still_reports_a_failed_pull(stack):
    r = stack.doca("run", "--rm", "-q", *NONE, "127.0.0.1:9/nosuch", "true", check=False)
    assert r.returncode == 125
    assert "Unable to find image" not in r.stderr and r.stderr.strip()


def test_annotations_reach_the_oci_config_and_inspect(stack):
    stack.doca("create", *NONE, "--name", "h7-annot", "--annotation", "com.example.a=1",
               "--annotation", "b=x=y", "busybox", "true")
    try:
        assert json.loads(_inspect(stack, "h7-annot", "{{json .HostConfig.Annotations}}")) == \
            {"com.example.a": "1", "b": "x=y"}
        cid = _inspect(stack, "h7-annot", "{{.Id}}")
        configs = [p for d in (stack.root, stack.run_dir) for p in pathlib.Path(d).rglob("config.json")
                   if cid in str(p)]
        assert configs, "the container's bundle"
        annotations = json.loads(configs[0].read_text())["annotations"]
        assert annotations["com.example.a"] == "1" and annotations["b"] == "x=y"
    finally:
        stack.doca("rm", "-f", "h7-annot")


def test_no_annotations_no_key(stack):
    stack.doca("create", *NONE, "--name", "h7-noannot", "busybox", "true")
    try:
        assert _inspect(stack, "h7-noannot", "{{json .HostConfig.Annotations}}") == "null"
    finally:
        stack.doca("rm", "-f", "h7-noannot")


def test_health_start_interval_probes_faster_in_the_start_period(stack):
    """Interval 1h: without the start interval no probe would run at all."""
    stack.doca("run", "-d", *NONE, "--name", "h7-health", "--health-cmd", "true", "--health-interval", "1h",
               "--health-start-period", "1h", "--health-start-interval", "200ms", "busybox", "sleep", "60")
    try:
        assert _inspect(stack, "h7-health", "{{.Config.Healthcheck.StartInterval}}") == "200000000"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _inspect(stack, "h7-health", "{{.State.Health.Status}}") == "healthy":
                break
            time.sleep(0.2)
        assert _inspect(stack, "h7-health", "{{.State.Health.Status}}") == "healthy"
    finally:
        stack.doca("rm", "-f", "h7-health")


def test_health_start_interval_refused_below_1ms(stack):
    r = stack.doca("run", "--rm", *NONE, "--health-cmd", "true", "--health-start-interval", "10us", "busybox",
                   "true", check=False)
    assert r.returncode == 125 and "cannot be less than 1ms" in r.stderr


def test_use_api_socket_is_refused(stack):
    r = stack.doca("run", "--rm", *NONE, "--use-api-socket", "busybox", "true", check=False)
    assert r.returncode == 125
    assert "no Docker API socket" in r.stderr and len(r.stderr.splitlines()) == 1


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_cgroup_parent_places_the_cgroups(stack, absolute):
    """Under the stack's own parent only: relative ("h7/sub") or absolute
    ("/<stack parent>/h7abs"). Limits apply there, and the levels a relative
    parent made go with its last container."""
    wanted = f"/{stack.cgroup_parent}/h7abs" if absolute else "h7/sub"
    where = f"{stack.cgroup_parent}/h7abs" if absolute else f"{stack.cgroup_parent}/h7/sub"
    stack.doca("run", "-d", *NONE, "--name", "h7-cg", "-m", "48m", "--cgroup-parent", wanted, "busybox",
               "sleep", "60")
    try:
        cid = _inspect(stack, "h7-cg", "{{.Id}}")
        assert _inspect(stack, "h7-cg", "{{.HostConfig.CgroupParent}}") == wanted
        mem = pathlib.Path("/sys/fs/cgroup/memory", where, cid)
        assert (mem / "memory.limit_in_bytes").read_text().strip() == str(48 << 20)
        pid = _inspect(stack, "h7-cg", "{{.State.Pid}}")
        assert pid in (mem / "cgroup.procs").read_text().split()
        assert stack.doca("stats", "--no-stream", "--format", "{{.MemUsage}}", "h7-cg").stdout.endswith("48MiB\n")
    finally:
        stack.doca("rm", "-f", "h7-cg")
    assert not mem.exists()
    if absolute:  # Docker leaves an absolute parent; this one is the stack's, which goes with it
        for d in pathlib.Path("/sys/fs/cgroup").glob(f"*/{where}"):
            os.rmdir(d)
    else:
        assert not pathlib.Path("/sys/fs/cgroup/memory", stack.cgroup_parent, "h7").exists()


def test_cgroup_parent_with_dots_is_refused(stack):
    r = stack.doca("run", "--rm", *NONE, "--cgroup-parent", "../escape", "busybox", "true", check=False)
    assert r.returncode == 125 and "--cgroup-parent" in r.stderr


def test_attach_stdout_with_stdin(stack):
    r = stack.doca("run", "--rm", "-i", *NONE, "-a", "stdout", "busybox", "sh", "-c", "cat; echo err >&2",
                   input="hello\n")
    assert (r.stdout, r.stderr) == ("hello\n", "")


def test_ip6_on_a_bridge_is_refused(stack):
    r = stack.doca("run", "--rm", "--ip6", "2001:db8::2", "busybox", "true", check=False)
    assert r.returncode == 125 and "IPv4 only" in r.stderr


def test_userns_host_drops_the_remap(stack):
    r = stack.doca("run", "--rm", *NONE, "--userns-remap", "default", "--userns", "host", "busybox",
                   "cat", "/proc/self/uid_map")
    assert r.stdout.split() == ["0", "0", "4294967295"]
