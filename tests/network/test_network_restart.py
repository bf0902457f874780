"""A restart of the network service (a crash, or the whole stack) keeps the
user networks, the endpoints and the published ports; the firewall rules
are rebuilt from the records, so one left by a crash goes; a stack stopped
with nothing attached leaves no bridge and no rule."""
import json
import os
import secrets
import signal
import subprocess
import time


from services.network import iptables
from services.network.firewall import Firewall
from tests.support.stack import free_subnet
from tests.support.netenv import http_get, host_port



def _network_pid(s) -> int | None:
    out = subprocess.run(["pgrep", "-f", f"services.network --root {s.root} "], capture_output=True, text=True).stdout
    pids = [int(p) for p in out.split()]
    return pids[0] if len(pids) == 1 else None


def _links(prefix: str) -> list[str]:
    out = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    return [line.split(": ")[1] for line in out.splitlines() if line.split(": ")[1].startswith(prefix)]


def test_restart_keeps_networks_ports_and_rules(make_stack):
    s = make_stack("netrs").start()
    fw = Firewall(s.bridge)
    net, subnet = "r" + secrets.token_hex(3), free_subnet()
    s.doca("network", "create", "--subnet", subnet, net)
    net_id = json.loads(s.doca("network", "inspect", net).stdout)[0]["Id"]
    port = host_port()
    s.doca("run", "-d", "--name", "web", "--network", net, "-p", f"{port}:8080", "busybox", "sh", "-c",
           "mkdir /w && echo up > /w/i && exec httpd -f -p 8080 -h /w")
    s.doca("run", "-d", "--name", "peer", "--network", net, "busybox", "sleep", "120")
    assert b"up" in http_get(port, "/i")
    rules = sorted(fw.leftovers())
    # What a crash could leave: a rule for a container that is gone.
    iptables.iptables("-t", "nat", "-A", fw.dnat, "-p", "tcp", "--dport", "1", "-m", "comment", "--comment",
                      f"{fw.comment} ctr deadbeef0000", "-j", "DNAT", "--to-destination", "10.0.0.1:1")

    old = _network_pid(s)
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pid = _network_pid(s)
        if pid and pid != old and s.doca("network", "ls", check=False).returncode == 0:
            break
        time.sleep(0.1)
    assert net in s.doca("network", "ls").stdout
    assert sorted(fw.leftovers()) == rules  # rebuilt from the records: the stray rule is gone
    assert b"up" in http_get(port, "/i")
    assert "1 packets received" in s.doca("exec", "peer", "ping", "-c1", "-W1", "web").stdout
    s.doca("run", "-d", "--name", "late", "--network", net, "busybox", "sleep", "120")
    assert "late" in s.doca("exec", "web", "cat", "/etc/hosts").stdout
    r = s.doca("run", "--rm", "-p", f"{port}:80", "busybox", "true", check=False)
    assert r.returncode == 125 and "already allocated" in r.stderr  # the port is held again

    # A whole stop and start: containers go (Stack.stop removes them); the
    # network stays on record, its bridge and every rule go meanwhile.
    s.stop()
    assert fw.leftovers() == [] and _links(s.bridge[:8]) == []
    s.start()
    assert json.loads(s.doca("network", "inspect", net).stdout)[0]["Id"] == net_id
    assert len(_links(s.bridge[:8] + "-")) == 1
    s.doca("network", "rm", net)
    s.stop()
    assert fw.leftovers() == [] and _links(s.bridge[:8]) == []
