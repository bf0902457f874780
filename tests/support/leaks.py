"""What the suite's stacks left behind once every one of them is stopped:
mounts, network namespaces, veths, bridges, iptables rules, cgroups and
processes, and what the differential suite's dockerd left. The root
conftest runs it when the session finishes (whatever order the tests ran
in) and fails the run on any finding."""
import pathlib
import subprocess

from services.network.firewall import Firewall
from tests.support import dockerd
from tests.support.stack import LEFT_MOUNTED, Stack


def left_behind(started: list[Stack]) -> list[str]:
    """One line per thing found; [] when the machine is as it was."""
    found = []
    roots = [str(s.root) for s in started]
    bridges = [s.bridge for s in started]
    parents = {s.cgroup_parent for s in started}
    mountinfo = pathlib.Path("/proc/self/mountinfo").read_text()
    found += [f"mount under {r}" for r in roots if r in mountinfo]
    found += [f"mount {m}" for m in LEFT_MOUNTED]  # e.g. the runtime's tmpfs of run-time files
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout.splitlines()
    found += [f"bridge {b}" for b in bridges if any(f" {b}:" in line for line in links)]
    found += [f"link on {b}: {line}" for line in links for b in bridges if f"master {b} " in line]
    # User-defined networks' bridges are named "<default bridge, 8 chars>-<6 hex>".
    found += [f"user bridge: {line}" for line in links if any(f" {b[:8]}-" in line for b in bridges)]
    # Published ports, masquerading, isolation: the stacks' iptables chains and rules.
    found += [f"iptables: {line}" for b in bridges for line in Firewall(b).leftovers()]
    found += [f"cgroup {p}" for p in pathlib.Path("/sys/fs/cgroup").glob("*/*") if p.name in parents]
    procs = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout.splitlines()
    found += [f"process {line.strip()}" for line in procs if any(r in line for r in roots)]
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    found += [f"netns {line}" for line in netns.splitlines() if "doca" in line]
    found += [left for d in dockerd.STARTED for left in d.leftovers()]  # tests/compat's docker
    return found
