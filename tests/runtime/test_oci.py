"""The OCI side: runc and crun run doca's bundles (--runtime) and what a
container sees agrees with doca's own executor; doca's executor runs a
bundle made by `runc spec` as runc does."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
RUNTIMES = ["doca", "runc", "crun"]

# What a process sees of its isolation; no line depends on which runtime ran it.
PROBE = ("echo pid=$$; hostname | wc -c; ip -o link | cut -d: -f2 | cut -d@ -f1 | tr -d ' ' | tr '\\n' ,; echo; "
         "ip -4 -o addr show eth0 | cut -d' ' -f7 | cut -d. -f1-3; "
         "grep -E 'CapEff|CapBnd|NoNewPrivs|Seccomp:' /proc/self/status; "
         "cat /proc/keys /proc/timer_list | wc -c; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; "
         "cut -d' ' -f2 /proc/self/mounts | grep -v '^/sys/fs/cgroup/' | sort | tr '\\n' ';'; echo; "
         "grep -E '^[^ ]+ (/|/proc|/sys|/dev) ' /proc/self/mounts | cut -d' ' -f2,3 | sort | tr '\\n' ';'; echo; "
         "touch /proc/sys/x 2>&1 | grep -c Read-only; mount -t tmpfs none /tmp 2>&1 | grep -c denied")


def _probe(stack, runtime: str) -> str:
    return stack.run("--runtime", runtime, "-m", "48m", "busybox", "sh", "-c", PROBE)


@pytest.mark.parametrize("runtime", ["runc", "crun"])
def test_runtimes_agree_with_doca(stack, runtime):
    doca, other = _probe(stack, "doca"), _probe(stack, runtime)
    assert other == doca
    assert "pid=1" in doca and "CapEff:\t00000000a80425fb" in doca and str(48 << 20) in doca


def test_unknown_runtime(stack):
    r = stack.doca("run", "--rm", "--runtime", "kata", "busybox", "true", check=False)
    assert r.returncode == 125 and "unknown runtime" in r.stderr


@pytest.fixture
def runc_bundle(tmp_path, stack):
    """`runc spec`, a busybox root, our command, no terminal, a cgroup under the test stack's parent."""
    subprocess.run(["runc", "spec"], cwd=tmp_path, check=True)
    root = tmp_path / "rootfs"
    (root / "bin").mkdir(parents=True)
    for d in ("etc", "proc", "sys", "dev", "tmp"):
        (root / d).mkdir()
    shutil.copy("/bin/busybox", root / "bin" / "busybox")
    for applet in ("sh", "cat", "grep", "hostname", "id", "ps", "cut", "sort", "tr", "wc"):
        os.symlink("busybox", root / "bin" / applet)
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    config = json.loads((tmp_path / "config.json").read_text())
    config["process"]["terminal"] = False
    config["process"]["args"] = ["sh", "-c", "echo pid=$$; hostname; id -u; "
                                 "grep -E 'CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp:' /proc/self/status; ulimit -n; "
                                 "cut -d' ' -f2,3,4 /proc/self/mounts | grep -v systemd | sort; ps -o comm; exit 3"]
    config["linux"]["cgroupsPath"] = f"/{stack.cgroup_parent}/oci-{os.getpid()}"
    (tmp_path / "config.json").write_text(json.dumps(config))
    return tmp_path


def test_doca_executor_runs_a_runc_spec_bundle(runc_bundle):
    runc = subprocess.run(["runc", "run", "--bundle", str(runc_bundle), f"oci-{os.getpid()}"],
                          capture_output=True, text=True, timeout=60)
    doca = subprocess.run([sys.executable, "-m", "services.runtime.ocirun", "run", "--bundle", str(runc_bundle),
                           f"oci-{os.getpid()}"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert runc.returncode == doca.returncode == 3, (runc.stderr, doca.stderr)
    assert doca.stdout == runc.stdout
    assert "pid=1\nrunc\n0\n" in doca.stdout and "CapEff:\t0000000020000420" in doca.stdout
