"""A full disk: the stack's root on a small tmpfs, filled by a file of the
test's (and by a container writing its rootfs).

What frees space works with zero bytes free (stop, kill, unpause, rm -f);
what needs space fails with one line naming where ('no space left on
device writing ...'), undoes what it did (a commit's or a failed pause's
freeze, a build's, import's or load's half-written blobs and layers); once
the space is back the store is as before and everything works, records
held back by the full disk written after all."""
import io
import json
import os
import pathlib
import signal
import subprocess
import tarfile
import time

import pytest

MiB = 1024 * 1024
ROOT_MIB = 96
FREEZER = pathlib.Path("/sys/fs/cgroup/freezer")


@pytest.fixture
def small(make_stack):
    """A stack whose root is a ROOT_MIB tmpfs, unmounted after, whatever happened."""
    s = make_stack("df")
    s.root.mkdir(mode=0o711)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={ROOT_MIB}m,mode=0711", "doca-test-diskfull",
                    str(s.root)], check=True)
    try:
        s.start()
        yield s
    finally:
        try:
            s.destroy()  # before the unmount: make_stack's destroy comes after this
        finally:
            if subprocess.run(["umount", str(s.root)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(s.root)], capture_output=True)


def free_bytes(path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


class Filler:
    """One file taking what the tmpfs has left (but `leave` bytes)."""

    def __init__(self, root: pathlib.Path):
        self.path = root / "filler"
        self.path.touch()  # now: on a full tmpfs even an empty file takes space

    def fill(self, leave: int = 0) -> None:
        with open(self.path, "ab", buffering=0) as f:
            size = free_bytes(self.path.parent) - leave
            if size > 0:
                os.posix_fallocate(f.fileno(), f.seek(0, io.SEEK_END), size)
            if not leave:
                try:  # to the last byte, whatever the accounting
                    while True:
                        f.write(b"\0" * 4096)
                except OSError:
                    pass
        assert free_bytes(self.path.parent) <= leave + 4096

    def free(self) -> None:
        self.path.unlink(missing_ok=True)


def one_line_no_space(r, exit_code: int = 1) -> str:
    """Docker's exit codes: 125 for run/create, 1 for other verbs."""
    assert r.returncode == exit_code, (r.returncode, r.stdout, r.stderr)
    err = r.stderr.strip()
    assert "\n" not in err and err.startswith("doca: "), err
    assert "no space left on device writing " in err, err
    assert "internal" not in err.lower() and "Errno" not in err, err
    return err


def inspect(s, ref) -> dict:
    return json.loads(s.doca("inspect", ref).stdout)[0]


def freezer_state(s, cid: str) -> str:
    return (FREEZER / s.cgroup_parent / cid / "freezer.state").read_text().strip()


def record_on_disk(s, cid: str) -> dict:
    matches = list((s.root / "runtime" / "containers").glob(f"**/{cid}/container.json"))
    assert len(matches) == 1, matches
    return json.loads(matches[0].read_text())


def leftovers(s) -> list[str]:
    """Temporaries and half-written work anywhere in the store."""
    images = s.root / "images"
    left = [str(p) for p in s.root.rglob("*.tmp")]
    left += [str(p) for d in ("ingest", "tmp") if (images / d).is_dir() for p in (images / d).iterdir()]
    return left


def store_state(s) -> dict:
    images = s.root / "images"
    return {"blobs": sorted(os.listdir(images / "blobs" / "sha256")),
            "layers": sorted(os.listdir(images / "layers")),
            "images": s.doca("images", "-q", "--no-trunc").stdout.split()}


def wait_for(what, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def restart_daemon(s) -> None:
    """The daemon stopped and started again: its containers stay (live restore)."""
    s.proc.send_signal(signal.SIGTERM)
    s.proc.wait(40)
    s.proc = None
    s.log.close()
    s.start()


def test_freeing_operations_work_with_zero_bytes_free(small):
    s = small
    filler = Filler(s.root)
    for name in ("df-stop", "df-kill", "df-unpause", "df-paused"):
        s.doca("run", "-d", "--name", name, "busybox", "sleep", "1000")
    s.doca("run", "-d", "--name", "df-filler", "-v", "df-vol:/data", "busybox", "sleep", "1000")
    s.doca("pause", "df-unpause")
    s.doca("pause", "df-paused")
    ids = {n: inspect(s, n)["Id"] for n in ("df-stop", "df-kill", "df-unpause", "df-paused", "df-filler")}
    # A container fills the disk through its rootfs; the test takes the last bytes.
    r = s.doca("exec", "df-filler", "sh", "-c", "echo kept > /data/f; dd if=/dev/zero of=/big bs=1M", check=False)
    assert "No space left on device" in r.stderr, r.stderr
    filler.fill()
    try:
        assert free_bytes(s.root) == 0

        # A pause cannot be recorded: it fails and the container is not left frozen.
        one_line_no_space(s.doca("pause", "df-stop", check=False))
        assert inspect(s, "df-stop")["State"]["Status"] == "running"
        assert freezer_state(s, ids["df-stop"]) == "THAWED"
        # What needs space fails with one line, Docker's 125 for run (1 for create).
        one_line_no_space(s.doca("run", "--rm", "busybox", "true", check=False), 125)
        one_line_no_space(s.doca("create", "busybox", "true", check=False), 1)
        one_line_no_space(s.doca("volume", "create", "df-new", check=False))
        assert not (s.root / "volumes" / "df-new").exists()  # nothing half-made

        # What frees space needs none (each with the disk topped up to the last byte).
        def full():
            filler.fill()
            assert free_bytes(s.root) == 0
        full()
        assert s.doca("unpause", "df-unpause").returncode == 0
        assert freezer_state(s, ids["df-unpause"]) == "THAWED"
        assert inspect(s, "df-unpause")["State"]["Status"] == "running"
        full()
        s.doca("stop", "-t", "1", "df-stop")
        assert inspect(s, "df-stop")["State"]["Status"] == "exited"
        # A start cannot be recorded: undone, no init left held.
        full()
        r = s.doca("start", "df-stop", check=False)
        # Docker's start: the error, then its summary line
        assert r.stderr.endswith("doca: failed to start containers: df-stop\n"), r.stderr
        one_line_no_space(subprocess.CompletedProcess(r.args, r.returncode, r.stdout,
                                                      r.stderr.rsplit("doca: failed to start containers", 1)[0]))
        state = inspect(s, "df-stop")["State"]
        assert state["Status"] == "exited" and not state["Pid"], state
        assert not (FREEZER / s.cgroup_parent / ids["df-stop"] / "cgroup.procs").read_text().split()
        full()
        s.doca("kill", "df-kill")
        assert wait_for(lambda: inspect(s, "df-kill")["State"]["Status"] == "exited")
        full()
        s.doca("rm", "-f", "df-unpause")  # running
        full()
        s.doca("rm", "-f", "df-paused")  # paused
        full()
        s.doca("rm", "-f", "df-filler")  # with a volume, whose users are written: not now
        listed = s.doca("ps", "-a", "--format", "{{.Names}}").stdout.split()
        assert sorted(listed) == ["df-kill", "df-stop"]
        # The volume is free at once, though its users are written later.
        assert json.loads(s.doca("volume", "inspect", "df-vol").stdout)[0]["UsedBy"] == []
    finally:
        filler.free()
    assert free_bytes(s.root) > 80 * MiB  # the filler container's rootfs went with it

    # The records a full disk held back are written once there is room.
    for name in ("df-stop", "df-kill"):
        assert wait_for(lambda: record_on_disk(s, ids[name])["status"] == "exited"), name
    assert not list((s.root / "runtime" / "containers").glob(f"**/{ids['df-paused']}"))
    s.doca("volume", "ls")
    assert json.loads((s.root / "volumes" / "df-vol" / "meta.json").read_text())["used_by"] == []
    assert leftovers(s) == []
    # ... and read back so by a restarted stack.
    restart_daemon(s)
    states = {c["Names"]: c["State"] for c in map(json.loads, s.doca("ps", "-a", "--format", "json").stdout.splitlines())}
    assert states == {"df-stop": "exited", "df-kill": "exited"}, states
    # Everything works again, the volume kept its data.
    assert s.run("-v", "df-vol:/data", "busybox", "cat", "/data/f") == "kept\n"
    s.doca("volume", "create", "df-new")
    s.doca("start", "df-stop")
    s.doca("pause", "df-stop")
    s.doca("unpause", "df-stop")
    s.doca("rm", "-f", "df-stop", "df-kill")
    s.doca("volume", "rm", "df-vol", "df-new")


def test_commit_on_a_full_disk_unpauses_and_leaves_nothing(small):
    s = small
    filler = Filler(s.root)
    cid = s.doca("run", "-d", "--name", "df-commit", "busybox", "sh", "-c",
                 "head -c 2097152 /dev/urandom > /payload && md5sum /payload > /sum && exec sleep 1000").stdout.strip()
    assert wait_for(lambda: s.doca("exec", "df-commit", "cat", "/sum", check=False).returncode == 0)
    before = store_state(s)
    try:
        # Room for the small writes (the pause is recorded), not for the layer.
        filler.fill(leave=256 * 1024)
        err = one_line_no_space(s.doca("commit", "df-commit", "df-commit:1", check=False))
        assert str(s.root) in err, err
        assert inspect(s, "df-commit")["State"]["Status"] == "running"
        assert freezer_state(s, cid) == "THAWED"
        # With nothing free at all the commit fails before it pauses.
        filler.fill()
        one_line_no_space(s.doca("commit", "df-commit", "df-commit:1", check=False))
        assert inspect(s, "df-commit")["State"]["Status"] == "running"
        assert freezer_state(s, cid) == "THAWED"
        one_line_no_space(s.doca("commit", "--pause=false", "df-commit", "df-commit:1", check=False))
        assert store_state(s) == before
        assert leftovers(s) == []
    finally:
        filler.free()
    s.doca("commit", "df-commit", "df-commit:1")
    assert s.run("df-commit:1", "md5sum", "-c", "/sum").strip() == "/payload: OK"
    assert inspect(s, "df-commit")["State"]["Status"] == "running"
    s.doca("rm", "-f", "df-commit")
    s.doca("rmi", "df-commit:1")
    assert store_state(s) == before and leftovers(s) == []


def _random_tar(path: pathlib.Path, size: int) -> None:
    with tarfile.open(path, "w") as t:
        info = tarfile.TarInfo("random")
        info.size = size
        t.addfile(info, io.BytesIO(os.urandom(size)))


def test_build_import_load_on_a_full_disk_leave_nothing(small, tmp_path):
    s = small
    filler = Filler(s.root)
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox\nRUN head -c 2097152 /dev/urandom > /random\n")
    imported = tmp_path / "import.tar"
    _random_tar(imported, 2 * MiB)
    # An archive of an image the store does not have any more.
    s.doca("build", "-t", "df-saved:1", str(ctx))
    archive = tmp_path / "saved.tar"
    s.doca("save", "-o", str(archive), "df-saved:1")
    s.doca("rmi", "df-saved:1")
    s.doca("builder", "prune", "-af", check=False)
    before = store_state(s)
    try:
        for leave in (512 * 1024, 0):
            filler.fill(leave=leave)
            one_line_no_space(s.doca("build", "--no-cache", "-t", "df-built:1", str(ctx), check=False))
            one_line_no_space(s.doca("import", str(imported), "df-imported:1", check=False))
            one_line_no_space(s.doca("load", "-i", str(archive), check=False))
            assert store_state(s) == before
            assert leftovers(s) == []
            assert s.doca("ps", "-aq").stdout == ""  # no RUN container left behind
    finally:
        filler.free()
    s.doca("build", "-t", "df-built:1", str(ctx))
    s.doca("import", str(imported), "df-imported:1")
    s.doca("load", "-i", str(archive))
    assert s.run("df-built:1", "wc", "-c", "/random").split()[0] == str(2 * MiB)
    assert s.run("df-saved:1", "wc", "-c", "/random").split()[0] == str(2 * MiB)
    assert "df-imported" in s.doca("images").stdout
    s.doca("rmi", "df-built:1", "df-imported:1", "df-saved:1")


def test_rmi_and_prune_work_with_zero_bytes_free(small):
    """They are how space is got back: the images store's reserve gives
    their records room, and is taken again once there is some."""
    s = small
    filler = Filler(s.root)
    reserve = s.root / "images" / "reserve"
    assert reserve.stat().st_blocks * 512 >= 4 * MiB
    before = store_state(s)
    for n in (1, 2, 3):
        s.doca("run", "--name", f"df-src{n}", "busybox", "sh", "-c", "head -c 3000000 /dev/urandom > /r")
        s.doca("commit", f"df-src{n}", f"df-img:{n}")
    s.doca("commit", "df-src3", "df-img:3")  # the first df-img:3 is dangling now
    s.doca("rm", "df-src1", "df-src2", "df-src3")
    s.doca("tag", "df-img:1", "df-other:1")

    def full():
        filler.fill()
        assert free_bytes(s.root) == 0
    try:
        full()
        s.doca("rmi", "df-other:1")  # a tag only: nothing freed but the record
        full()
        s.doca("rmi", "df-img:2")
        full()
        one_line_no_space(s.doca("tag", "df-img:1", "df-more:1", check=False))  # needs room
        full()
        out = s.doca("image", "prune", "-f").stdout
        assert out.count("deleted: sha256:") == 1, out  # its layer is the second df-img:3's too
        assert "df-img" in s.doca("images").stdout
        assert "its space reserve is given" in s.log_path.read_text()
    finally:
        filler.free()
    # The reserve was taken again, here or now that there is room.
    s.doca("rmi", "df-img:1", "df-img:3")
    assert reserve.stat().st_blocks * 512 >= 4 * MiB
    assert store_state(s) == before and leftovers(s) == []
    restart_daemon(s)  # what the records say is what the store holds
    assert store_state(s) == before
    s.doca("run", "--rm", "busybox", "true")


def test_no_space_is_one_line_naming_where():
    """No stack: the message itself, and a full disk found behind a wrapper."""
    import errno

    import grpc

    from common import errors, status

    e = errors.no_space(OSError(errno.ENOSPC, "No space left on device", "/var/lib/doca/x/y.json"))
    assert e.code == "RESOURCE_EXHAUSTED"
    assert e.message.startswith("no space left on device writing /var/lib/doca/x/y.json: ")
    assert "\n" not in e.message
    errors.note_data_root("/var/lib/doca/images", "the images store")
    e = errors.no_space(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert e.message.startswith("disk quota exceeded writing ")
    assert "the images store /var/lib/doca/images" in e.message  # this process may have others

    class Context:
        def __init__(self):
            self.aborted = None

        def set_trailing_metadata(self, md):
            pass

        def abort(self, code, message):
            self.aborted = (code, message)
            raise Exception(message)

    def handled(exc):
        ctx = Context()
        with pytest.raises(Exception):
            status._handle(exc, ctx, "/m")
        return ctx.aborted

    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError:
            raise errors.Internal("writing the thing failed")
    except errors.Internal as wrapped:
        code, message = handled(wrapped)
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and message.startswith("no space left on device writing ")
    # An error chosen on purpose stays what it is.
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError:
            raise errors.InvalidArgument("bad")
    except errors.InvalidArgument as chosen:
        assert handled(chosen) == (grpc.StatusCode.INVALID_ARGUMENT, "bad")


def test_a_failed_atomic_write_names_its_file_and_leaves_no_temporary(tmp_path):
    import errno

    from common import atomic

    mnt = tmp_path / "tiny"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "doca-test-diskfull", str(mnt)], check=True)
    try:
        target = mnt / "state.json"
        atomic.write_json(target, {"v": 1})
        with pytest.raises(OSError) as info:
            atomic.write_bytes(target, b"x" * (256 * 1024))
        assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
        assert sorted(p.name for p in mnt.iterdir()) == ["state.json"]
        assert atomic.read_json(target) == {"v": 1}
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def port_free(port: int) -> bool:
    """Nothing holds the host port (the network service's reservation is a
    bound socket)."""
    import socket
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def sandbox_on_disk(s, cid: str) -> dict | None:
    path = s.root / "network" / "sandboxes" / f"{cid}.json"
    return json.loads(path.read_text()) if path.exists() else None


def in_upper_dirs(s, name: str) -> list[str]:
    return [str(p) for p in (s.root / "images").rglob(name)]


def test_network_and_cp_on_a_full_disk(small, tmp_path):
    """A stop releases the published ports and an rm detaches with zero bytes
    free (the network's records written once there is room); what needs
    space (network create, cp into a container) fails with one line and
    leaves nothing half made; cp out of a container needs none."""
    from tests.support.stack import free_port
    s = small
    filler = Filler(s.root)
    port = free_port()
    web = s.doca("run", "-d", "--name", "df-web", "-p", f"{port}:80", "busybox", "sleep", "1000").stdout.strip()
    s.doca("run", "-d", "--name", "df-cp", "busybox", "sh", "-c", "echo out > /out; exec sleep 1000")
    assert wait_for(lambda: s.doca("exec", "df-cp", "cat", "/out", check=False).returncode == 0)
    assert not port_free(port)
    src = tmp_path / "cp-in-file"
    src.write_bytes(os.urandom(MiB))
    piped = io.BytesIO()
    with tarfile.open(fileobj=piped, mode="w") as t:
        info = tarfile.TarInfo("cp-in-piped")
        info.size = MiB
        t.addfile(info, io.BytesIO(os.urandom(MiB)))
    filler.fill()
    try:
        assert free_bytes(s.root) == 0
        # What needs space: one line naming where, nothing left.
        err = one_line_no_space(s.doca("network", "create", "df-net", check=False))
        assert str(s.root / "network") in err, err
        assert "df-net" not in s.doca("network", "ls").stdout
        err = one_line_no_space(s.doca("cp", str(src), "df-cp:/cp-in-file", check=False))
        assert "/cp-in-file in container df-cp" in err, err
        r = s.doca("cp", "-", "df-cp:/", input=piped.getvalue(), check=False)
        r.stderr = r.stderr.decode()
        err = one_line_no_space(r)
        assert "/cp-in-piped in container df-cp" in err, err
        assert in_upper_dirs(s, "cp-in-file") == [] and in_upper_dirs(s, "cp-in-piped") == []
        # A cp out reads only.
        s.doca("cp", "df-cp:/out", str(tmp_path / "out"))
        assert (tmp_path / "out").read_text() == "out\n"

        # A stop releases the port, an rm detaches: with zero bytes free.
        filler.fill()
        s.doca("stop", "-t", "1", "df-web")
        assert wait_for(lambda: port_free(port), 10)
        assert sandbox_on_disk(s, web)["ports"]  # the record is written when there is room
        assert "cannot release the ports" not in s.log_text()
        filler.fill()
        s.doca("rm", "df-web")
        assert port_free(port)
    finally:
        filler.free()
    # Another container publishes the port at once (the records may still wait).
    s.doca("run", "-d", "--name", "df-web2", "-p", f"{port}:80", "busybox", "sleep", "1000")
    assert not port_free(port)
    s.doca("rm", "-f", "df-web2")
    assert wait_for(lambda: sandbox_on_disk(s, web) is None and port_free(port))
    endpoints = json.loads((s.root / "network" / "endpoints" / "bridge.json").read_text())
    assert web not in endpoints
    ipam = json.loads((s.root / "network" / "ipam" / "bridge.json").read_text())
    assert web not in ipam["allocated"].values()
    # ... and so after a restart: the port is free, everything works.
    restart_daemon(s)
    assert port_free(port)
    s.doca("run", "-d", "--name", "df-web", "-p", f"{port}:80", "busybox", "sleep", "1000")
    s.doca("network", "create", "df-net")
    s.doca("cp", str(src), "df-cp:/cp-in-file")
    s.doca("cp", "-", "df-cp:/", input=piped.getvalue())
    assert s.doca("exec", "df-cp", "sh", "-c", "cat /cp-in-file /cp-in-piped | wc -c").stdout.strip() == str(2 * MiB)
    s.doca("rm", "-f", "df-web", "df-cp")
    s.doca("network", "rm", "df-net")
    assert port_free(port)


def test_unwritten_holds_back_a_freeing_write_until_there_is_room():
    """common/unwritten.py, the helper of the runtime's, volumes' and network
    stores: only a freeing write is held back, only for a full disk, and
    the newest state of a key is what gets written."""
    import errno
    import threading

    from common.unwritten import Unwritten
    state = {"full": True, "value": 1}
    written = []

    def write():
        if state["full"]:
            raise OSError(errno.ENOSPC, "No space left on device", "/store/k.json")
        written.append(state["value"])
    held = Unwritten("the test store", threading.Lock(), retry=0)  # no retry thread: flushed by hand
    with pytest.raises(OSError):
        held.write("k", write, freeing=False)
    assert not held
    assert held.write("k", write, freeing=True) is False and "k" in held
    state["value"] = 2
    assert not held.flush() and written == []
    state["full"] = False
    assert held.flush() and written == [2] and not held

    def broken():
        raise OSError(errno.EACCES, "Permission denied", "/store/k.json")
    with pytest.raises(OSError):
        held.write("k", broken, freeing=True)  # not a full disk: raised
    assert not held
