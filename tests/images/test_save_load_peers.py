"""Interoperability with real tools from Debian: skopeo inspects and copies
doca's saved archive (as docker-archive: and oci-archive:), umoci unpacks
it, and images saved by podman (docker-archive and oci-archive) load into
doca and run.

The tools run inside a private mount namespace with a tmpfs over
/var/lib/containers (their blob-info cache lives there), and podman keeps
its store, run root and temporary files in a temporary directory: nothing
of the machine's own podman or skopeo state is read or written."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

TOOLS = ("skopeo", "umoci", "podman", "unshare")
pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                                reason="needs skopeo, umoci and podman (tools/setup-host.sh installs them)")
SHADOWED = "/var/lib/containers" if os.path.isdir("/var/lib/containers") else "/var/lib"


def private(cmd: list[str], cwd, env=None, timeout=120) -> subprocess.CompletedProcess:
    """cmd in a mount namespace of its own where the containers tools'
    system state directory is an empty tmpfs."""
    script = f'mount -t tmpfs tmpfs {SHADOWED} && exec "$@"'
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *cmd],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(cmd)}: {r.stderr}"
    return r


@pytest.fixture
def saved(stack, tmp_path):
    """busybox and a committed image on top of it, saved by doca."""
    stack.doca("run", "--name", "peer-src", "busybox", "sh", "-c", "echo from-doca > /hello; rm /etc/group")
    stack.doca("commit", "-c", 'CMD ["cat", "/hello"]', "peer-src", "peers-test:1")
    path = tmp_path / "doca.tar"
    try:
        stack.doca("save", "-o", str(path), "peers-test:1")
        yield path
    finally:
        stack.doca("rm", "-f", "peer-src")
        stack.doca("rmi", "peers-test:1", check=False)


def test_skopeo_inspects_and_copies_the_saved_archive(stack, saved, tmp_path):
    doc = json.loads(stack.doca("inspect", "peers-test:1").stdout)[0]
    for ref in (f"docker-archive:{saved}", f"oci-archive:{saved}:1"):
        info = json.loads(private(["skopeo", "inspect", ref], tmp_path).stdout)
        assert info["Layers"] == doc["RootFS"]["Layers"], ref
        config = json.loads(private(["skopeo", "inspect", "--config", ref], tmp_path).stdout)
        assert config["config"]["Cmd"] == ["cat", "/hello"]
    private(["skopeo", "copy", f"docker-archive:{saved}", "oci:copied-from-docker:x"], tmp_path)
    private(["skopeo", "copy", f"oci-archive:{saved}:1", f"docker-archive:{tmp_path}/copied.tar:again:2"], tmp_path)
    # What skopeo wrote loads back into doca (an OCI directory, and a docker archive).
    try:
        r = stack.doca("load", "-i", str(tmp_path / "copied-from-docker"))
        assert r.stdout.startswith("Loaded image")
        stack.doca("load", "-i", str(tmp_path / "copied.tar"))
        assert stack.run("again:2") == "from-doca\n"
    finally:
        stack.doca("rmi", "again:2", check=False)


def test_umoci_unpacks_the_saved_image(saved, tmp_path):
    layout = tmp_path / "layout"
    layout.mkdir()
    subprocess.run(["tar", "-C", str(layout), "-xf", str(saved)], check=True)
    private(["umoci", "unpack", "--image", f"{layout}:1", str(tmp_path / "bundle")], tmp_path)
    rootfs = tmp_path / "bundle" / "rootfs"
    assert (rootfs / "hello").read_text() == "from-doca\n"
    assert (rootfs / "bin" / "busybox").is_file() and (rootfs / "etc" / "passwd").is_file()
    assert not (rootfs / "etc" / "group").exists()  # the whiteout was applied


@pytest.fixture
def podman(tmp_path):
    """podman on a private store (vfs: no mounts) in a temporary directory
    (short: podman refuses a run root longer than 50 characters)."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="dpm-", dir="/tmp"))
    for d in ("root", "runroot", "tmp"):
        (base / d).mkdir(parents=True)
    conf = base / "storage.conf"
    conf.write_text(f'[storage]\ndriver = "vfs"\nrunroot = "{base}/runroot"\ngraphroot = "{base}/root"\n')
    env = dict(os.environ, CONTAINERS_STORAGE_CONF=str(conf))
    flags = ["--root", f"{base}/root", "--runroot", f"{base}/runroot", "--tmpdir", f"{base}/tmp",
             "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"]

    def run(*args):
        return private(["podman", *flags, *args], tmp_path, env=env)
    yield run
    shutil.rmtree(base, ignore_errors=True)  # vfs layers are plain directories


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive"])
def test_an_image_saved_by_podman_loads_and_runs(stack, podman, tmp_path, fmt):
    rootfs = tmp_path / "rootfs"
    (rootfs / "bin").mkdir(parents=True)
    shutil.copy("/bin/busybox", rootfs / "bin" / "busybox")
    os.symlink("busybox", rootfs / "bin" / "sh")
    (rootfs / "hello").write_text(f"from podman {fmt}\n")
    subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tmp_path / "rootfs.tar"), "."], check=True)
    podman("import", "--change", 'CMD ["/bin/busybox", "cat", "/hello"]', str(tmp_path / "rootfs.tar"),
           "localhost/from-podman:1")
    podman("save", "--format", fmt, "-o", str(tmp_path / "p.tar"), "localhost/from-podman:1")
    podman_id = podman("images", "--no-trunc", "--format", "{{.ID}}").stdout.split()[0]
    try:
        r = stack.doca("load", "-i", str(tmp_path / "p.tar"))
        assert r.stdout == "Loaded image: localhost/from-podman:1\n"
        doc = json.loads(stack.doca("inspect", "localhost/from-podman:1").stdout)[0]
        assert doc["Id"].endswith(podman_id.removeprefix("sha256:"))  # same config, same id
        assert stack.run("localhost/from-podman:1") == f"from podman {fmt}\n"
    finally:
        stack.doca("rmi", "localhost/from-podman:1", check=False)
