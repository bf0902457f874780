"""Crash safety of the flows that span services: a service (or the gateway)
killed with SIGKILL at a named step of create, remove, commit, build, pull,
push, volume and network create/remove (common/crashpoints.py) is started
again by `doca daemon`; then `ps -a` matches what the kernel runs, the same
command succeeds when retried, and once it is removed nothing is left: no
snapshot, volume reference, published port, veth, netns pin, cgroup,
mount, iptables rule or intent record."""
import json
import os
import pathlib
import subprocess
import time

import pytest

from tests.support.stack import Stack, free_port, mounts_under
from tests.support.waiting import wait_for

SERVICES = ("runtime", "images", "network", "volumes", "doca")


@pytest.fixture(scope="module")
def fs(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    crash = base / "crash"
    s = Stack(base, "f", daemon_env={"DOCA_CRASH_FILE": str(crash)})
    s.crash_file = crash
    try:
        s.start()
        yield s
    finally:
        s.destroy()


def _crash_at(s, point: str) -> None:
    s.crash_file.write_text(point)


def _recovered(s, point: str) -> None:
    """The point was reached (the file was taken), the killed process is
    back and the gateway has settled every intent."""
    fired = s.crash_file.with_name(s.crash_file.name + ".fired")
    try:
        assert not s.crash_file.exists(), f"{point} was never reached"
        assert fired.exists()
    finally:
        s.crash_file.unlink(missing_ok=True)
        fired.unlink(missing_ok=True)
    intents = s.root / "gateway" / "intents"

    def ready():
        if not all(s.socket(n).exists() for n in SERVICES):
            return False
        if s.doca("version", check=False, timeout=20).returncode != 0:
            return False
        return not list(intents.glob("*.json"))
    assert wait_for(ready, 60, 0.1), f"the stack did not recover from {point}:\n{s.log_text()}"


def _ids(s) -> set[str]:
    return set(s.doca("ps", "-aq", "--no-trunc").stdout.split())


def _cgroup_dirs(s) -> set[str]:
    out = set()
    for hierarchy in pathlib.Path("/sys/fs/cgroup").iterdir():
        parent = hierarchy / s.cgroup_parent
        if parent.is_dir():
            out |= {d.name for d in parent.iterdir() if d.is_dir()}
    return out


def _consistent(s) -> None:
    """What the engine lists is what exists on the host, and no more."""
    ids = _ids(s)
    assert {d.name for d in (s.root / "runtime" / "containers").iterdir()} == ids
    assert {d.name for d in (s.root / "images" / "snapshots").iterdir()} == ids
    assert _cgroup_dirs(s) <= ids
    running = set(s.doca("ps", "-q", "--no-trunc").stdout.split())
    veths = subprocess.run(["ip", "-o", "link", "show", "master", s.bridge],
                           capture_output=True, text=True).stdout.strip().splitlines()
    assert len(veths) <= len(running), veths
    pins = s.run_dir / "runtime" / "netns"
    if pins.is_dir():
        assert {p.name for p in pins.iterdir()} <= ids
    for vol in json.loads(s.doca("volume", "inspect", *s.doca("volume", "ls", "-q").stdout.split()).stdout
                          if s.doca("volume", "ls", "-q").stdout.split() else "[]"):
        assert set(vol.get("UsedBy", [])) <= ids, vol


def _nothing_left(s, port: int | None = None) -> None:
    assert _ids(s) == set()
    _consistent(s)
    assert _cgroup_dirs(s) == set()
    held = [m for m in mounts_under(s.root) + mounts_under(s.run_dir)
            if not m.startswith(str(s.run_dir / "runtime"))]
    assert held == []
    assert not list((s.root / "gateway" / "intents").glob("*"))
    if port is not None:
        rules = subprocess.run(["iptables-save", "-t", "nat"], capture_output=True, text=True).stdout
        assert f"--dport {port} " not in rules


def _run_args(name: str, port: int) -> list[str]:
    return ["run", "-d", "--name", name, "-p", f"{port}:80", "-v", f"{name}-data:/data", "-v", "/anon",
            "busybox", "sleep", "1000"]


CREATE_POINTS = [
    "gateway.create.snapshot", "gateway.create.volumes", "gateway.create.sandbox",
    "gateway.create.runtime", "gateway.create.attach",
    "images.prepare_snapshot.made", "volumes.acquire.recorded", "network.prepare.held",
    "network.attach.veth", "runtime.create.bundle", "runtime.create.launched",
]


@pytest.mark.parametrize("point", CREATE_POINTS)
def test_run_killed_at_each_step(fs, point):
    name, port = "crash-" + point.replace(".", "-"), free_port()
    _crash_at(fs, point)
    r = fs.doca(*_run_args(name, port), check=False)
    assert r.returncode == 125, r
    assert "internal error" not in r.stderr and r.stderr.count("\n") == 1, r.stderr  # the real error, one line
    _recovered(fs, point)
    assert name not in fs.doca("ps", "-a", "--format", "{{.Names}}").stdout.split()  # rolled back
    _consistent(fs)
    assert fs.doca("volume", "ls", "-q").stdout.split() in ([], [f"{name}-data"])  # no anonymous volume left
    cid = fs.doca(*_run_args(name, port)).stdout.strip()  # the name, the port, the volume: all free again
    assert fs.doca("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "running"
    fs.doca("rm", "-fv", name)
    fs.doca("volume", "rm", f"{name}-data")  # no phantom user holds it
    _nothing_left(fs, port)


@pytest.mark.parametrize("point", ["gateway.remove.stopped", "gateway.remove.released", "runtime.remove.cgroups"])
def test_rm_killed_at_each_step(fs, point):
    name, port = "crashrm-" + point.replace(".", "-"), free_port()
    fs.doca(*_run_args(name, port))
    _crash_at(fs, point)
    fs.doca("rm", "-fv", name, check=False)
    _recovered(fs, point)
    # The remove the gateway died in is finished at its start; one the
    # runtime died in is finished by the gateway's retry or a second rm.
    if name in fs.doca("ps", "-a", "--format", "{{.Names}}").stdout.split():
        fs.doca("rm", "-fv", name)
    fs.doca("volume", "rm", f"{name}-data")
    fs.doca(*_run_args(name, port))  # the port is free again
    fs.doca("rm", "-fv", name)
    fs.doca("volume", "rm", f"{name}-data")
    _nothing_left(fs, port)


def test_commit_killed_while_the_container_is_paused(fs):
    cid = fs.doca("run", "-d", "busybox", "sh", "-c", "echo x > /made; sleep 1000").stdout.strip()
    _crash_at(fs, "gateway.commit.paused")
    assert fs.doca("commit", cid, "crash/commit:1", check=False).returncode != 0
    _recovered(fs, "gateway.commit.paused")
    assert fs.doca("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "running"  # not left frozen
    assert fs.doca("exec", cid, "echo", "alive").stdout == "alive\n"
    fs.doca("commit", cid, "crash/commit:1")
    assert fs.run("crash/commit:1", "cat", "/made") == "x\n"
    fs.doca("rm", "-f", cid)
    fs.doca("rmi", "crash/commit:1")
    _nothing_left(fs)


def _blobs(s) -> set[str]:
    return {p.name for p in (s.root / "images").rglob("*") if p.is_file() and len(p.name) == 64}


def test_commit_killed_in_the_images_service(fs):
    """The images service dies with the layer stored and no image yet: the
    container is resumed at once, the retry works, and the layer of the
    commit that died is collected."""
    blobs = _blobs(fs)
    cid = fs.doca("run", "-d", "busybox", "sh", "-c", "head -c 100000 /dev/urandom > /made; sleep 1000").stdout.strip()
    _crash_at(fs, "images.commit.layer")
    assert fs.doca("commit", cid, "crash/commit:2", check=False).returncode != 0
    _recovered(fs, "images.commit.layer")
    assert fs.doca("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "running"
    assert "crash/commit" not in fs.doca("images").stdout  # no half-made image
    fs.doca("exec", cid, "touch", "/more")  # another layer: the first one's blob must be gone by itself
    fs.doca("commit", cid, "crash/commit:2")
    assert fs.run("crash/commit:2", "wc", "-c", "/made").split()[0] == "100000"
    fs.doca("rm", "-f", cid)
    fs.doca("rmi", "crash/commit:2")
    assert _blobs(fs) == blobs
    _nothing_left(fs)


def test_build_killed_during_a_run_step(fs, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN sleep 1 && echo built > /built\n")
    _crash_at(fs, "images.build.run")
    r = fs.doca("build", "-q", "-t", "crash/build:1", str(tmp_path), check=False)
    assert r.returncode != 0
    _recovered(fs, "images.build.run")
    # The interrupted build's RUN container goes with the images service's restart.
    assert wait_for(lambda: not any((fs.root / "runtime" / "containers").iterdir()), 30, 0.1)
    fs.doca("build", "-q", "-t", "crash/build:1", str(tmp_path))
    assert fs.run("crash/build:1", "cat", "/built") == "built\n"
    fs.doca("rmi", "crash/build:1")
    _nothing_left(fs)


def test_push_and_pull_killed_mid_blob(fs, registry):  # noqa: F811 (fixture)
    (fs.base / "ctx").mkdir(exist_ok=True)
    (fs.base / "ctx" / "Dockerfile").write_text(f"FROM busybox\nRUN head -c 300000 /dev/urandom > /blob-{os.getpid()}\n")
    ref = f"{registry.address}/crash/app:1"
    fs.doca("build", "-q", "-t", ref, str(fs.base / "ctx"))
    _crash_at(fs, "images.push.upload")
    assert fs.doca("push", ref, check=False).returncode != 0
    _recovered(fs, "images.push.upload")
    fs.doca("push", ref)
    fs.doca("rmi", ref)
    fs.doca("builder", "prune", "-af")  # the build cache held the layer: the pull must fetch it
    _crash_at(fs, "images.pull.blob")
    assert fs.doca("pull", ref, check=False).returncode != 0
    _recovered(fs, "images.pull.blob")
    fs.doca("pull", ref)
    assert fs.run(ref, "ls", f"/blob-{os.getpid()}").strip() == f"/blob-{os.getpid()}"
    fs.doca("rmi", ref)
    content = fs.root / "images"
    leftovers = [p for p in content.rglob("*") if p.name.startswith((".tmp", "tmp")) and p.is_file()]
    assert leftovers == []
    _nothing_left(fs)


def test_volume_create_and_remove_killed(fs):
    _crash_at(fs, "volumes.create.dir")
    fs.doca("volume", "create", "crashvol", check=False)
    _recovered(fs, "volumes.create.dir")
    fs.doca("volume", "create", "crashvol")  # again: it works, whatever the first left
    assert fs.run("-v", "crashvol:/v", "busybox", "sh", "-c", "echo kept > /v/f; cat /v/f") == "kept\n"
    _crash_at(fs, "volumes.remove.data")
    fs.doca("volume", "rm", "crashvol", check=False)
    _recovered(fs, "volumes.remove.data")
    if "crashvol" in fs.doca("volume", "ls", "-q").stdout.split():
        fs.doca("volume", "rm", "crashvol")
    assert not (fs.root / "volumes" / "crashvol").exists()  # its data went with it
    _nothing_left(fs)


def test_network_create_and_remove_killed(fs):
    def bridges():  # the stack's user networks' bridges: <its bridge>-<id>
        out = subprocess.run(["ip", "-o", "link", "show", "type", "bridge"], capture_output=True, text=True).stdout
        return {n for n in (line.split(":")[1].strip() for line in out.splitlines()) if n.startswith(fs.bridge + "-")}
    assert bridges() == set()
    _crash_at(fs, "network.create.bridge")
    fs.doca("network", "create", "crashnet", check=False)
    _recovered(fs, "network.create.bridge")
    if "crashnet" not in fs.doca("network", "ls", "--format", "{{.Name}}").stdout.split():
        fs.doca("network", "create", "crashnet")
    assert fs.run("--network", "crashnet", "busybox", "ip", "-4", "-o", "addr", "show", "eth0").count("inet ") == 1
    _crash_at(fs, "network.remove.bridge")
    fs.doca("network", "rm", "crashnet", check=False)
    _recovered(fs, "network.remove.bridge")
    if "crashnet" in fs.doca("network", "ls", "--format", "{{.Name}}").stdout.split():
        fs.doca("network", "rm", "crashnet")
    assert wait_for(lambda: bridges() == set(), 10, 0.1), bridges()
    _nothing_left(fs)


def test_orphans_of_an_older_crash_are_swept_at_gateway_start(fs):
    """Resources held for a container id the runtime never had (what a
    gateway killed before intents existed left): a snapshot, a sandbox
    with a published port, a volume reference. The gateway's next start
    releases them."""
    import grpc
    from doca.images.v1 import images_pb2 as ipb, images_pb2_grpc
    from doca.network.v1 import network_pb2 as npb, network_pb2_grpc
    from doca.volumes.v1 import volumes_pb2 as vpb, volumes_pb2_grpc

    done = "start-up reconciliation done"
    assert wait_for(lambda: done in fs.log_path.read_text(), 30, 0.1)  # phantoms come after this gateway's sweep
    before = fs.log_path.read_text().count(done)
    phantom, port = os.urandom(32).hex(), free_port()
    with grpc.insecure_channel(f"unix://{fs.socket('images')}") as ch:
        image = images_pb2_grpc.ImagesStub(ch).Inspect(ipb.InspectRequest(reference="busybox"))
        images_pb2_grpc.ImagesStub(ch).PrepareSnapshot(ipb.PrepareSnapshotRequest(image=image.id, container_id=phantom))
    with grpc.insecure_channel(f"unix://{fs.socket('network')}") as ch:
        network_pb2_grpc.NetworkStub(ch).Prepare(npb.PrepareRequest(
            container_id=phantom, hostname="phantom",
            ports=[npb.PortBinding(container_port=80, protocol="tcp", host_port=port)]))
    with grpc.insecure_channel(f"unix://{fs.socket('volumes')}") as ch:
        volumes_pb2_grpc.VolumesStub(ch).Acquire(vpb.AcquireRequest(name="phantomvol", container_id=phantom))
    assert "in use" in fs.doca("volume", "rm", "phantomvol", check=False).stderr
    _kill_gateway(fs)
    assert wait_for(lambda: fs.log_path.read_text().count(done) > before, 30, 0.1)
    fs.doca("volume", "rm", "phantomvol")
    assert not (fs.root / "images" / "snapshots" / phantom).exists()
    name = "sweptport"
    fs.doca(*_run_args(name, port))  # the phantom's port is free
    fs.doca("rm", "-fv", name)
    fs.doca("volume", "rm", f"{name}-data")
    _nothing_left(fs, port)


def _kill_gateway(s) -> None:
    os.kill(s.service_pid("gateway"), 9)
    time.sleep(0.5)
    assert wait_for(lambda: s.doca("version", check=False, timeout=20).returncode == 0, 60, 0.1)


def test_a_container_whose_snapshot_is_gone_is_reported_and_removable(fs):
    import grpc
    from doca.images.v1 import images_pb2 as ipb, images_pb2_grpc

    cid = fs.doca("run", "-d", "--name", "lostsnap", "busybox", "true").stdout.strip()
    assert wait_for(lambda: fs.doca("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "exited", 20, 0.1)
    with grpc.insecure_channel(f"unix://{fs.socket('images')}") as ch:
        images_pb2_grpc.ImagesStub(ch).RemoveSnapshot(ipb.RemoveSnapshotRequest(container_id=cid))
    _kill_gateway(fs)  # its next start reconciles the services
    assert wait_for(lambda: f"container lostsnap ({cid[:12]}) has lost its snapshot" in fs.log_path.read_text(), 20, 0.1)
    r = fs.doca("start", "lostsnap", check=False)
    assert r.returncode != 0 and "lost its filesystem" in r.stderr and "doca rm" in r.stderr, r
    assert r.stderr.count("\n") == 2  # one line, then Docker's summary line of start
    assert r.stderr.endswith("doca: failed to start containers: lostsnap\n"), r.stderr
    fs.doca("rm", "lostsnap")
    _nothing_left(fs)


def test_a_finished_rm_v_keeps_a_volume_another_container_took(fs):
    """rm -v of a container whose anonymous volume another container
    mounted by name meanwhile, interrupted: the remove finished at the
    gateway's start keeps the volume, as a plain rm -v does."""
    fs.doca("create", "--name", "owner", "-v", "/data", "busybox", "true")
    vol = json.loads(fs.doca("inspect", "owner").stdout)[0]["Mounts"][0]["Name"]
    fs.doca("run", "-d", "--name", "taker", "-v", f"{vol}:/data", "busybox", "sh", "-c",
            "echo precious > /data/f; sleep 1000")
    _crash_at(fs, "gateway.remove.stopped")
    fs.doca("rm", "-v", "owner", check=False)
    _recovered(fs, "gateway.remove.stopped")
    assert "owner" not in fs.doca("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert vol in fs.doca("volume", "ls", "-q").stdout.split()
    assert fs.doca("exec", "taker", "cat", "/data/f").stdout == "precious\n"
    fs.doca("rm", "-fv", "taker")
    fs.doca("volume", "rm", vol)
    _nothing_left(fs)


def _freezer_state(s, cid: str) -> pathlib.Path:
    return pathlib.Path("/sys/fs/cgroup/freezer") / s.cgroup_parent / cid / "freezer.state"


@pytest.mark.skipif(not pathlib.Path("/sys/fs/cgroup/freezer").is_dir(), reason="cgroup v1 freezer")
def test_a_pause_the_runtime_died_in_is_undone(fs):
    """The runtime killed between the freeze and the record of a pause
    leaves a frozen container called running: its next start thaws it; a
    stop of one frozen all the same ends it and says so when it cannot."""
    cid = fs.doca("run", "-d", "busybox", "sleep", "1000").stdout.strip()
    state = _freezer_state(fs, cid)
    state.write_text("FROZEN")  # what the kill leaves in the kernel
    os.kill(fs.service_pid("services.runtime"), 9)
    assert wait_for(lambda: state.read_text().strip() == "THAWED", 60, 0.1)
    assert fs.doca("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "running"
    assert fs.doca("exec", cid, "echo", "thawed").stdout == "thawed\n"
    state.write_text("FROZEN")  # frozen behind the runtime's back: stop still ends it
    started = time.monotonic()
    fs.doca("stop", "-t", "1", cid)
    assert time.monotonic() - started < 10
    assert fs.doca("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "exited"
    fs.doca("rm", cid)
    _nothing_left(fs)
