"""What a process inside a default container sees: its own PID, UTS, mount
and network namespaces."""
import ipaddress
import socket
import time


def test_shell_is_pid_1(stack):
    assert stack.run("busybox", "sh", "-c", "echo $$").strip() == "1"


def test_ps_lists_only_the_container(stack):
    out = stack.run("busybox", "ps", "-o", "pid,comm").splitlines()
    pids = [line.split()[0] for line in out[1:]]
    assert pids == ["1"], out  # ps itself is PID 1: nothing of the host shows


def test_ps_sees_children_only(stack):
    out = stack.run("busybox", "sh", "-c", "sleep 5 & ps -o pid,comm; kill %1").splitlines()
    procs = dict(line.split() for line in out[1:])
    assert sorted(procs) == ["1", "2", "3"], out  # the shell, its background child, ps
    assert procs["1"] == "sh"


def test_hostname_is_the_short_id(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "hostname; sleep 30").stdout.strip()
    try:
        out = ""
        for _ in range(100):
            out = stack.doca("logs", cid).stdout.strip()
            if out:
                break
            time.sleep(0.05)
        assert out == cid[:12]
        assert out != socket.gethostname()
    finally:
        stack.doca("rm", "-f", cid)


def test_custom_hostname(stack):
    assert stack.run("--hostname", "web1", "busybox", "hostname").strip() == "web1"


def test_eth0_in_subnet_and_gateway_answers(stack):
    out = stack.run("busybox", "sh", "-c", f"ip -4 -o addr show eth0; ping -c1 -W2 {stack.gateway_ip} >/dev/null && echo PONG")
    addr = out.split("inet ")[1].split()[0]
    assert ipaddress.ip_interface(addr).ip in ipaddress.ip_network(stack.subnet)
    assert "PONG" in out


def test_default_route_via_bridge(stack):
    out = stack.run("busybox", "ip", "route")
    assert f"default via {stack.gateway_ip} dev eth0" in out


def test_network_none_has_only_lo(stack):
    out = stack.run("--network", "none", "busybox", "ip", "-o", "link")
    names = [line.split(":")[1].strip() for line in out.splitlines()]
    assert names == ["lo"]
    assert "127.0.0.1" in stack.run("--network", "none", "busybox", "ip", "-4", "addr", "show", "lo")


def test_mount_namespace_is_private(stack):
    mounts = stack.run("busybox", "cat", "/proc/mounts")
    assert "overlay / overlay" in mounts
    assert str(stack.root) not in mounts.split("overlay / overlay")[0]  # no host paths mounted before the root
    # While a container runs, the host sees none of its mounts: nothing that
    # names this stack's store (an overlay's lowerdir/upperdir would), and no
    # mount point under it. Other engines' overlays on the host are theirs.
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    try:
        with open("/proc/self/mountinfo") as f:
            ours = [line for line in f if str(stack.root) in line]
        assert ours == []
    finally:
        stack.doca("rm", "-f", cid, check=False)


def test_environment_and_workdir(stack):
    out = stack.run("-e", "FOO=bar", "-w", "/tmp/work", "busybox", "sh", "-c", 'echo "$FOO $PWD $PATH"')
    foo, pwd, path = out.split()
    assert (foo, pwd) == ("bar", "/tmp/work")
    assert "/bin" in path.split(":")
