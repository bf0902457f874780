"""Through crictl: a container's masked and read-only paths (the security
context's lists replace the default ones) and its mounts' propagation
(PROPAGATION_HOST_TO_CONTAINER = rslave, PROPAGATION_BIDIRECTIONAL =
rshared, the source a shared mount as the kubelet's would be)."""
import subprocess

import pytest

HOST_TO_CONTAINER, BIDIRECTIONAL = 1, 2


@pytest.fixture
def pod(crictl, specs):
    doc = {"metadata": {"name": "paths", "namespace": "default", "uid": "uid-paths", "attempt": 1}, "linux": {}}
    pod_id = crictl("runp", specs("pod.json", doc)).stdout.strip()
    yield pod_id, specs("pod.json", doc)
    crictl("stopp", pod_id, check=False)
    crictl("rmp", pod_id, check=False)


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


def _start(crictl, specs, pod, name: str, **more) -> str:
    doc = {"metadata": {"name": name}, "image": {"image": "busybox"}, "command": ["sleep", "1000"], **more}
    cid = crictl("create", pod[0], specs(f"{name}.json", doc), pod[1]).stdout.strip()
    crictl("start", cid)
    return cid


def _sh(crictl, cid, script: str) -> str:
    return crictl("exec", "-s", cid, "sh", "-c", script).stdout


def test_masked_and_readonly_paths_replace_the_defaults(crictl, specs, pod):
    cid = _start(crictl, specs, pod, "masked", linux={"security_context": {
        "masked_paths": ["/etc/passwd"], "readonly_paths": ["/tmp"]}})
    out = _sh(crictl, cid, "wc -c < /etc/passwd; touch /tmp/x 2>/dev/null && echo rw || echo ro; "
                           "grep -c ' /proc/keys ' /proc/self/mountinfo; true")
    assert out.split() == ["0", "ro", "0"], out  # /proc/keys, masked by default, is not in the list given
    plain = _start(crictl, specs, pod, "plain")
    assert _sh(crictl, plain, "grep -c ' /proc/keys ' /proc/self/mountinfo; true").split() == ["1"]


def test_mount_propagation(crictl, specs, pod, shared_dir):
    mounts = {name: [{"container_path": "/m", "host_path": str(shared_dir), "propagation": value}]
              for name, value in (("private", 0), ("rslave", HOST_TO_CONTAINER), ("rshared", BIDIRECTIONAL))}
    ids = {name: _start(crictl, specs, pod, name, mounts=m,
                        linux={"security_context": {"privileged": name == "rshared"}})
           for name, m in mounts.items()}
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "cri-prop", str(shared_dir / "sub")], check=True)
    seen = {name: _sh(crictl, cid, "grep -c ' /m/sub ' /proc/self/mountinfo; true").strip()
            for name, cid in ids.items()}
    assert seen == {"private": "0", "rslave": "1", "rshared": "1"}
    crictl("exec", "-s", ids["rshared"], "mount", "-t", "tmpfs", "from-ctr", "/m/back")
    with open("/proc/self/mountinfo") as f:
        assert any(line.split()[4] == str(shared_dir / "back") for line in f)
