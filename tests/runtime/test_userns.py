"""--userns-remap: the container's root is an unprivileged host uid range;
the shared layers stay owned by root on disk and readable inside (idmapped
lower layers), writes land in the upper dir owned by the range."""
import json
import os
import pathlib

import pytest

from tests.support import executors


@pytest.mark.parametrize("runtime", executors.params(but=("runc",)))
def test_root_is_an_unprivileged_host_uid(stack, runtime):
    cid = stack.doca("run", "-d", "--runtime", runtime, "--userns-remap", "default", "busybox", "sh", "-c",
                     "echo hi > /root/f; sleep 30").stdout.strip()
    try:
        inside = stack.doca("exec", cid, "sh", "-c", "id -u; cat /proc/self/uid_map; cat /root/f; "
                                                     "stat -c %u /bin/busybox").stdout.split()
        assert inside == ["0", "0", "100000", "65536", "hi", "0"]
        doc = json.loads(stack.doca("inspect", cid).stdout)[0]
        pid = doc["State"]["Pid"]
        uids = next(line for line in open(f"/proc/{pid}/status") if line.startswith("Uid:")).split()[1:]
        assert uids == ["100000"] * 4  # seen from the host, the container's root is uid 100000
        upper = pathlib.Path(doc["GraphDriver"]["Data"]["UpperDir"])
        st = os.stat(upper / "root" / "f")
        assert (st.st_uid, st.st_gid) == (100000, 100000)
        lower = pathlib.Path(doc["GraphDriver"]["Data"]["LowerDir"].split(":")[0])
        assert os.stat(lower / "bin" / "busybox").st_uid == 0  # the shared layer is untouched
        assert doc["HostConfig"]["UsernsMode"] == "remap:100000:65536"
    finally:
        stack.doca("rm", "-f", cid)


@executors.installed("runc")
def test_runc_refuses_a_remap_before_anything_is_made(stack):
    """runc's init, the container's root already, cannot reach the bundle
    in the runtime's state dir (root's alone): refused at create."""
    before = stack.doca("ps", "-aq").stdout
    r = stack.doca("run", "--rm", "--runtime", "runc", "--userns-remap", "default", "busybox", "true", check=False)
    assert r.returncode == 125 and "--userns-remap with --runtime runc is not supported" in r.stderr, r.stderr
    assert stack.doca("ps", "-aq").stdout == before


def test_custom_range_and_network(stack):
    out = stack.run("--userns-remap", "200000:65536", "busybox", "sh", "-c",
                    "cat /proc/self/uid_map; ip -4 -o addr show eth0 | wc -l; ls /sys/class/net | wc -l")
    assert out.split() == ["0", "200000", "65536", "1", "0"]  # eth0 is there; the host's interfaces are not


def test_bad_userns_input(stack):
    for value in ("0", "abc", "100000:x"):
        r = stack.doca("run", "--rm", "--userns-remap", value, "busybox", "true", check=False)
        assert r.returncode == 125 and "userns-remap" in r.stderr, (value, r.stderr)
    r = stack.doca("run", "--rm", "--userns-remap", "default", "--privileged", "busybox", "true", check=False)
    assert r.returncode == 125 and "privileged" in r.stderr
