"""The build's host config reaches every RUN step's container (Docker's
classic builder): limits, --add-host, the network (default, none, host);
what the differential suite cannot see: the /etc files bound into a RUN
never reach a layer, limits are not part of a step's cache key, a refused
limit leaves nothing behind. (tests/compat/cases/builder.py compares the
rest with docker.)"""
from tests.support.build import assert_clean, build, inspect, steps, write_context

LIMITS = """FROM busybox
RUN cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares > /limits
"""
# An image without /etc: the RUN's /etc/hosts, hostname and resolv.conf (and /etc itself)
# are mount points the runtime makes, and no part of the step's changes.
NO_ETC = """FROM busybox AS tools
FROM scratch
COPY --from=tools /bin /bin
RUN ["/bin/sh", "-c", "cat /etc/hosts /etc/hostname /etc/resolv.conf > /dev/null"]
"""


def test_limits_reach_the_run_and_are_not_in_the_cache_key(stack, tmp_path, clean_build):
    clean_build.append("limits:1")
    ctx = write_context(tmp_path, {"Dockerfile": LIMITS})
    build(stack, ctx, "--network", "none", "-m", "64m", "-c", "512", "-t", "limits:1")
    assert stack.run("limits:1", "cat", "/limits") == f"{64 << 20}\n512\n"
    # Docker's classic builder keys a step on its command alone: other limits, the same step.
    r = build(stack, ctx, "--network", "none", "-m", "96m", "-t", "limits:1")
    assert "[2/2] CACHED RUN" in r.stdout
    assert_clean(stack)


def test_a_refused_limit_fails_at_the_first_run_and_leaves_nothing(stack, tmp_path, clean_build):
    ctx = write_context(tmp_path, {"Dockerfile": "FROM busybox\nRUN echo never > /x\n"})
    r = build(stack, ctx, "--network", "none", "-m", "1k", check=False)
    assert r.returncode == 1 and "Dockerfile:2" in r.stderr and "6MB" in r.stderr
    # No RUN to make a container for: the same limit builds (Docker's daemon checks it at the RUN).
    only_from = write_context(tmp_path / "from", {"Dockerfile": "FROM busybox\n"})
    clean_build.append("onlyfrom:1")
    assert build(stack, only_from, "-q", "-m", "1k", "-t", "onlyfrom:1").stdout.startswith("sha256:")
    assert_clean(stack)


def test_run_etc_files_come_from_the_network_service_and_stay_out_of_layers(stack, tmp_path, clean_build):
    clean_build.append("noetc:1")
    ctx = write_context(tmp_path, {"Dockerfile": NO_ETC})
    r = build(stack, ctx, "--network", "none", "--add-host", "a.example:10.1.2.3", "-t", "noetc:1")
    assert "[stage-1 3/3] RUN" in "\n".join(steps(r.stdout))
    # COPY made the one layer; the RUN changed nothing of its own: no layer (an /etc of
    # mount points left in its upper directory would have made one).
    assert len(inspect(stack, "noetc:1")["RootFS"]["Layers"]) == 1
    assert_clean(stack)


def test_add_host_and_the_default_network(stack, tmp_path, clean_build):
    clean_build.append("hosts:1")
    ctx = write_context(tmp_path, {"Dockerfile": "FROM busybox\nRUN cat /etc/hosts > /hosts; hostname > /name\n"})
    build(stack, ctx, "--add-host", "a.example:10.1.2.3", "--add-host", "gw:host-gateway", "-t", "hosts:1")
    hosts = stack.run("hosts:1", "cat", "/hosts").splitlines()
    name = stack.run("hosts:1", "cat", "/name").strip()
    assert "10.1.2.3\ta.example" in hosts
    assert f"{stack.gateway_ip}\tgw" in hosts  # host-gateway: the default bridge's address
    assert any(line.endswith(f"\t{name}") and line.startswith(stack.subnet.rsplit(".", 1)[0]) for line in hosts)
    assert_clean(stack)


def test_network_host(stack, tmp_path, clean_build):
    clean_build.append("hostnet:1")
    ctx = write_context(tmp_path, {"Dockerfile": "FROM busybox\nRUN ls /sys/class/net > /nets\n"})
    build(stack, ctx, "--network", "host", "-t", "hostnet:1")
    assert stack.bridge in stack.run("hostnet:1", "cat", "/nets").split()  # the host's interfaces
    assert_clean(stack)


def test_etc_copied_up_for_the_mount_points_is_no_change(stack, tmp_path, clean_build):
    """busybox has /etc but no hostname nor resolv.conf: overlay copies /etc up to make
    their mount points; unchanged, it is no part of the layer. A /etc the RUN changed is."""
    clean_build += ["etcsame:1", "etcmode:1"]
    same = write_context(tmp_path / "same", {"Dockerfile": "FROM busybox\nRUN cat /etc/hostname > /dev/null\n"})
    mode = write_context(tmp_path / "mode", {"Dockerfile": "FROM busybox\nRUN chmod 700 /etc\n"})
    base = len(inspect(stack, "busybox")["RootFS"]["Layers"])
    build(stack, same, "--network", "none", "-t", "etcsame:1")
    build(stack, mode, "--network", "none", "-t", "etcmode:1")
    assert len(inspect(stack, "etcsame:1")["RootFS"]["Layers"]) == base
    assert len(inspect(stack, "etcmode:1")["RootFS"]["Layers"]) == base + 1
    assert stack.run("etcmode:1", "stat", "-c", "%a", "/etc") == "700\n"
    assert_clean(stack)
