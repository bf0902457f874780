"""--mac-address and legacy --link on the stack's default bridge (the
differential suite's dockerd has none), and --network host's /etc files
(the host's, copied: the host's own are never bind-mounted)."""
import json


def _doca(stack, *args) -> str:
    return stack.doca(*args).stdout


def test_mac_address_on_the_default_bridge(stack):
    cid = _doca(stack, "run", "-d", "--mac-address", "02-42-AC-11-00-2A", "busybox", "sleep", "60").strip()
    try:
        assert "ether 02:42:ac:11:00:2a " in _doca(stack, "exec", cid, "ip", "link", "show", "eth0")
        doc = json.loads(_doca(stack, "inspect", cid))[0]
        assert doc["Config"]["MacAddress"] == "02-42-AC-11-00-2A"  # as given, as Docker shows it
        assert doc["NetworkSettings"]["MacAddress"] == "02:42:ac:11:00:2a"
    finally:
        stack.doca("rm", "-f", cid)


def test_legacy_link_names_the_target_in_etc_hosts(stack):
    _doca(stack, "run", "-d", "--name", "m-web", "busybox", "sleep", "60")
    try:
        ip = _doca(stack, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", "m-web").strip()
        out = _doca(stack, "run", "--rm", "--link", "m-web:db", "busybox", "sh", "-c",
                    "grep -w db /etc/hosts; ping -c1 -W2 db >/dev/null && echo reached")
        assert out.splitlines() == [f"{ip}\tdb", "reached"]
        _doca(stack, "create", "--name", "m-linked", "--link", "m-web:db", "busybox", "true")
        links = json.loads(_doca(stack, "inspect", "m-linked"))[0]["HostConfig"]["Links"]
        assert links == ["/m-web:/m-linked/db"]
        r = stack.doca("run", "--rm", "--link", "m-nosuch", "busybox", "true", check=False)
        assert r.returncode == 125 and "No such container: m-nosuch" in r.stderr
    finally:
        stack.doca("rm", "-f", "m-web", "m-linked", check=False)


def test_network_host_etc_files_are_copies(stack):
    with open("/etc/hosts") as f:
        hosts = f.read()
    out = _doca(stack, "run", "--rm", "--network", "host", "busybox", "cat", "/etc/hosts")
    assert out == hosts
    r = stack.doca("run", "--rm", "--network", "host", "busybox", "sh", "-c", "echo x >> /etc/hosts", check=False)
    with open("/etc/hosts") as f:
        assert f.read() == hosts, r.stderr  # the container wrote its copy, if anything
