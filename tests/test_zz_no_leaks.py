"""Runs last: once every test stack is stopped, none of their mounts,
network namespaces, veths, bridges, iptables rules, cgroups or processes is left."""
import pathlib
import subprocess

from services.network.firewall import Firewall
from tests import stack as stacks


def test_nothing_left_behind():
    for s in stacks.STARTED:
        s.destroy()
    roots = [str(s.root) for s in stacks.STARTED]
    bridges = [s.bridge for s in stacks.STARTED]
    parents = [s.cgroup_parent for s in stacks.STARTED]
    mountinfo = pathlib.Path("/proc/self/mountinfo").read_text()
    assert not [r for r in roots if r in mountinfo]
    assert not stacks.LEFT_MOUNTED  # e.g. the runtime's tmpfs of run-time files
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    assert not [b for b in bridges if f" {b}:" in links]
    assert not [line for line in links.splitlines() if any(f"master {b} " in line for b in bridges)]
    # User-defined networks' bridges are named "<default bridge, 8 chars>-<6 hex>".
    user = [f" {b[:8]}-" for b in bridges]
    assert not [line for line in links.splitlines() if any(u in line for u in user)]
    # Published ports, masquerading, isolation: the stacks' iptables chains and rules.
    assert not [line for b in bridges for line in Firewall(b).leftovers()]
    cg = [p for p in pathlib.Path("/sys/fs/cgroup").glob("*/*") if p.name in parents]
    assert not cg
    procs = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    assert not [line for line in procs.splitlines() if any(r in line for r in roots)]
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert "doca" not in netns
