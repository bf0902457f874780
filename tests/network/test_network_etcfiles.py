"""/etc/hostname and /etc/resolv.conf, as Docker gives a container on a
bridge network: its hostname; the host's resolver configuration without
loopback nameservers (services/network/resolvconf.py). Neither is listed in
Mounts, a -v over either wins, --network none has neither."""
import json

from services.network import resolvconf


def test_resolv_conf_rendering():
    host = "# by dhcp\nsearch example.org\nnameserver 127.0.0.53\nnameserver 10.0.0.2\noptions ndots:2\n"
    assert resolvconf.render(host) == "# by dhcp\nsearch example.org\nnameserver 10.0.0.2\noptions ndots:2\n"
    only_local = "nameserver 127.0.0.1\nnameserver ::1\nsearch lan\n"
    assert resolvconf.render(only_local) == "search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n"
    assert resolvconf.render("") == "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"


def test_hostname_and_resolv_conf_in_the_container(stack, tmp_path):
    out = stack.run("--hostname", "web1", "busybox", "sh", "-c", "cat /etc/hostname; cat /etc/resolv.conf")
    assert out == "web1\n" + resolvconf.from_host()
    cid = stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    try:
        assert stack.doca("exec", cid, "cat", "/etc/hostname").stdout == cid[:12] + "\n"
        mounts = json.loads(stack.doca("inspect", cid).stdout)[0]["Mounts"]
        assert not [m for m in mounts if m["Destination"].startswith("/etc/")]
        assert stack.doca("diff", cid).stdout == ""  # mount points, not the container's changes
    finally:
        stack.doca("rm", "-f", cid)
    mine = tmp_path / "resolv.conf"
    mine.write_text("nameserver 192.0.2.1\n")
    assert stack.run("-v", f"{mine}:/etc/resolv.conf:ro", "busybox", "cat", "/etc/resolv.conf") == "nameserver 192.0.2.1\n"
    # --network none has them too, as Docker's (its hosts file without an address line)
    none = stack.run("--network", "none", "-h", "lone", "busybox", "sh", "-c",
                     "cat /etc/hostname; cat /etc/resolv.conf; grep -c lone /etc/hosts; true")
    assert none == "lone\n" + resolvconf.from_host() + "0\n"
    assert stack.run("--read-only", "busybox", "cat", "/etc/hostname") != ""


def test_resolver_flags_replace_the_host_lines_of_their_kind():
    host = "search lan\nnameserver 10.0.0.2\noptions ndots:2\n"
    # Docker's order whatever the host's: search, nameservers, options
    assert resolvconf.Resolver(["192.0.2.53"]).file(host) == "search lan\nnameserver 192.0.2.53\noptions ndots:2\n"
    r = resolvconf.Resolver([], ["a.example", "b.example"], ["timeout:1"])
    assert r.file(host) == "search a.example b.example\nnameserver 10.0.0.2\noptions timeout:1\n"
    assert resolvconf.Resolver().file(host) == host


def test_add_host_and_dns_flags(stack):
    gateway = json.loads(stack.doca("network", "inspect", "bridge").stdout)[0]["IPAM"]["Config"][0]["Gateway"]
    out = stack.run("--add-host", "db.local:127.0.0.2", "--add-host", "host.docker.internal:host-gateway",
                    "--dns", "192.0.2.53", "--dns-search", "corp.example", "busybox", "sh", "-c",
                    "cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; ping -c1 -W1 db.local 2>&1 | head -1")
    hosts, resolv, ping = out.split("---\n")
    assert "127.0.0.2\tdb.local\n" in hosts and f"{gateway}\thost.docker.internal\n" in hosts
    assert "nameserver 192.0.2.53\n" in resolv and "search corp.example\n" in resolv
    assert [line for line in resolv.splitlines() if line.startswith("nameserver")] == ["nameserver 192.0.2.53"]
    assert "(127.0.0.2)" in ping  # resolved from /etc/hosts; the ping stays on the container's lo
    for bad, words in ((["--add-host", "nocolon"], "--add-host"), (["--add-host", "x:not-an-ip"], "not-an-ip"),
                       (["--dns", "not-an-ip"], "--dns")):
        r = stack.doca("run", "--rm", *bad, "busybox", "true", check=False)
        assert r.returncode == 125 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
