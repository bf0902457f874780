"""Mount propagation of a bind (-v SRC:DST:rslave|rshared, --mount
bind-propagation=, the CRI's Mount.propagation): private by default (a
mount made later on the host stays out), rslave (the host's later mounts
reach the container), rshared (and the container's reach the host). The
source is a shared mount of its own here, as shared propagation needs."""
import json
import subprocess
import time
import uuid

import pytest


@pytest.fixture
def shared_dir(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "back").mkdir()
    subprocess.run(["mount", "--bind", str(src), str(src)], check=True)
    subprocess.run(["mount", "--make-shared", str(src)], check=True)
    try:
        yield src
    finally:
        for p in (src / "back", src / "sub", src):
            subprocess.run(["umount", "-l", str(p)], stderr=subprocess.DEVNULL)


def _mounted(path) -> bool:
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == str(path) for line in f)


def _start(stack, made, volume: str, *flags) -> str:
    name = f"prop-{uuid.uuid4().hex[:8]}"
    made.append(name)
    stack.doca("run", "-d", "--name", name, "--network", "none", *flags, "-v", volume, "busybox", "sleep", "60")
    return name


@pytest.fixture
def made(stack):
    names = []
    yield names
    for n in names:
        stack.doca("rm", "-f", n, check=False)


def _sees_host_mount(stack, name, shared_dir) -> bool:
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "prop-test", str(shared_dir / "sub")], check=True)
    out = stack.doca("exec", name, "sh", "-c", "grep -c ' /m/sub ' /proc/self/mountinfo; true").stdout
    return out.strip() == "1"


@pytest.mark.parametrize("mode", ["", ":rprivate"])
def test_private_by_default(stack, made, shared_dir, mode):
    name = _start(stack, made, f"{shared_dir}:/m{mode}")
    assert not _sees_host_mount(stack, name, shared_dir)
    doc = json.loads(stack.doca("inspect", name).stdout)[0]
    assert [m["Propagation"] for m in doc["Mounts"]] == ["rprivate"]


def test_rslave_receives_the_hosts_mounts(stack, made, shared_dir, runtime):
    name = _start(stack, made, f"{shared_dir}:/m:ro,rslave", "--runtime", runtime)
    assert _sees_host_mount(stack, name, shared_dir)
    doc = json.loads(stack.doca("inspect", name).stdout)[0]
    assert [(m["Propagation"], m["RW"], m["Mode"]) for m in doc["Mounts"]] == [("rslave", False, "ro,rslave")]


def test_rshared_both_ways(stack, made, shared_dir, runtime):
    name = _start(stack, made, f"{shared_dir}:/m:rshared", "--privileged", "--runtime", runtime)
    assert _sees_host_mount(stack, name, shared_dir)
    stack.doca("exec", name, "mount", "-t", "tmpfs", "-o", "size=1m", "from-ctr", "/m/back")
    for _ in range(50):  # propagation is synchronous; the loop only absorbs exec's return
        if _mounted(shared_dir / "back"):
            break
        time.sleep(0.02)
    assert _mounted(shared_dir / "back")
    # nothing of the container's own root reached the host
    with open("/proc/self/mountinfo") as f:
        assert not [line for line in f if name in line or "/bundle/rootfs" in line]


def test_mount_flag_bind_propagation(stack, made, shared_dir):
    name = f"prop-{uuid.uuid4().hex[:8]}"
    made.append(name)
    stack.doca("run", "-d", "--name", name, "--network", "none", "--mount",
               f"type=bind,src={shared_dir},dst=/m,bind-propagation=rslave", "busybox", "sleep", "60")
    assert _sees_host_mount(stack, name, shared_dir)


@pytest.mark.parametrize("volume,words", [
    ("propvol:/m:rslave", 'invalid mount config for type "volume": field BindOptions must not be specified'),
    ("/tmp:/m:rslave,rshared", "invalid mode: rslave,rshared"),
    ("/tmp:/m:bogus", "invalid mode: bogus"),
])
def test_bad_modes_refused(stack, volume, words):
    r = stack.doca("create", "--network", "none", "-v", volume, "busybox", check=False)
    assert r.returncode == 1 and words in r.stderr, r.stderr


def test_mount_flag_bad_propagation(stack):
    r = stack.doca("create", "--network", "none", "--mount", "type=bind,src=/tmp,dst=/m,bind-propagation=bogus",
                   "busybox", check=False)
    assert r.returncode == 1 and 'invalid mount config for type "bind": invalid propagation mode: bogus' in r.stderr
