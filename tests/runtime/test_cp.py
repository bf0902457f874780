"""doca cp, as Docker's: container -> host and host -> container (a file,
a directory, into an existing directory or to a new name, `-` as a tar on
stdout or stdin), -L and -a, running and stopped containers, volumes,
read-only roots, Docker's errors, and tars that try to write outside the
container's root. Checked from outside: what the host gets, what the
container sees (exec), what a gRPC client gets."""
import base64
import io
import json
import os
import stat
import tarfile

import pytest

from common import tarsafe
from tests.support import grpcurl

SETUP = ("mkdir -p /d/sub && echo hello > /d/f && chmod 640 /d/f && chown 1234:567 /d/f && ln -s f /d/link "
         "&& echo deep > /d/sub/x && chmod 700 /d/sub && mkdir /inner && echo in-the-container > /inner/s "
         "&& ln -s /inner /abs && ln -s ../../../../../../inner /rel")


def _one_line_error(r, code: int = 1) -> str:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    err = r.stderr if isinstance(r.stderr, str) else r.stderr.decode()
    assert err.startswith("doca: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def _tar(*entries) -> bytes:
    """entries: (name, bytes) files, (name, "->", target) symlinks,
    (name, "=>", target) hard links."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for entry in entries:
            info = tarfile.TarInfo(entry[0])
            if len(entry) == 3:
                info.type = tarfile.SYMTYPE if entry[1] == "->" else tarfile.LNKTYPE
                info.linkname = entry[2]
                tf.addfile(info)
            else:
                info.size = len(entry[1])
                info.mode = 0o644
                tf.addfile(info, io.BytesIO(entry[1]))
    return buf.getvalue()


def _sh(stack, ctr: str, script: str) -> str:
    return stack.doca("exec", ctr, "sh", "-c", script).stdout


@pytest.fixture
def box(stack):
    """A running container with SETUP's files in it."""
    cid = stack.doca("run", "-d", "--name", "cp-box", "busybox", "sleep", "120").stdout.strip()
    try:
        _sh(stack, cid, SETUP)
        yield cid
    finally:
        stack.doca("rm", "-f", cid)


def test_copy_out_files_directories_and_a_tar(stack, box, tmp_path):
    # a file into an existing directory: its own name, contents and mode kept,
    # owned by the user who copies (root here) without -a
    stack.doca("cp", "cp-box:/d/f", str(tmp_path))
    f = tmp_path / "f"
    assert f.read_text() == "hello\n"
    st = f.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o640, os.geteuid(), os.getegid())
    # -a keeps the container's owner; a new path is the new name
    stack.doca("cp", "-a", "cp-box:/d/f", str(tmp_path / "owned"))
    st = (tmp_path / "owned").stat()
    assert (st.st_uid, st.st_gid) == (1234, 567)
    assert _sh(stack, box, "stat -c '%a %u %g %s' /d/f").split() == ["640", "1234", "567", "6"]

    # a directory into an existing one: under its own name, the symlink kept as one
    stack.doca("cp", "cp-box:/d", str(tmp_path))
    d = tmp_path / "d"
    assert os.readlink(d / "link") == "f" and (d / "link").is_symlink()
    assert (d / "sub" / "x").read_text() == "deep\n"
    assert stat.S_IMODE((d / "sub").stat().st_mode) == 0o700
    assert sorted(p.name for p in d.iterdir()) == ["f", "link", "sub"]
    # to a path that does not exist: renamed; DIR/. copies the contents into an existing directory
    stack.doca("cp", "cp-box:/d", str(tmp_path / "renamed"))
    assert (tmp_path / "renamed" / "sub" / "x").read_text() == "deep\n"
    (tmp_path / "existing").mkdir()
    stack.doca("cp", "cp-box:/d/.", str(tmp_path / "existing"))
    assert sorted(p.name for p in (tmp_path / "existing").iterdir()) == ["f", "link", "sub"]
    # a file onto an existing file replaces it; a directory onto a file is refused
    (tmp_path / "old").write_text("old\n")
    stack.doca("cp", "cp-box:/d/f", str(tmp_path / "old"))
    assert (tmp_path / "old").read_text() == "hello\n"
    err = _one_line_error(stack.doca("cp", "cp-box:/d", str(tmp_path / "old"), check=False))
    assert "cannot overwrite non-directory" in err
    # a host symlink destination: where it points is written, the link stays
    os.symlink("old", tmp_path / "to-old")
    (tmp_path / "old").write_text("old\n")
    stack.doca("cp", "cp-box:/d/sub/x", str(tmp_path / "to-old"))
    assert os.readlink(tmp_path / "to-old") == "old" and (tmp_path / "old").read_text() == "deep\n"

    # - : a tar on stdout, with the container's owners and modes
    r = stack.doca("cp", "cp-box:/d", "-", input=b"")
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
        members = {m.name: m for m in tf.getmembers()}
        assert set(members) == {"d", "d/f", "d/link", "d/sub", "d/sub/x"}
        assert members["d/link"].issym() and members["d/link"].linkname == "f"
        assert (members["d/f"].uid, members["d/f"].gid, members["d/f"].mode) == (1234, 567, 0o640)
        assert tf.extractfile("d/sub/x").read() == b"deep\n"

    # -L follows a symlink source; without it the symlink is copied
    stack.doca("cp", "-L", "cp-box:/d/link", str(tmp_path / "followed"))
    assert not (tmp_path / "followed").is_symlink() and (tmp_path / "followed").read_text() == "hello\n"
    stack.doca("cp", "cp-box:/d/link", str(tmp_path / "kept"))
    assert os.readlink(tmp_path / "kept") == "f"
    # symlinks on the way resolve inside the container's root, absolute or climbing
    for via in ("/abs/s", "/rel/s"):
        r = stack.doca("cp", f"cp-box:{via}", "-", input=b"")
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
            assert tf.extractfile("s").read() == b"in-the-container\n"


def test_copy_out_the_whole_root_of_a_running_container(stack, box):
    """As Docker: the root and the volumes, with /proc, /sys and /dev (kernel
    and tmpfs mounts) as empty directories, never the kernel's files."""
    r = stack.doca("cp", "cp-box:/", "-", input=b"")
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
        names = tf.getnames()
        assert tf.extractfile("./d/f").read() == b"hello\n" and "./bin/busybox" in names
        assert "./etc/hosts" in names  # a bind mount the engine made: the container's file
    for kernel in ("proc", "sys", "dev"):
        assert f"./{kernel}" in names and not [n for n in names if n.startswith(f"./{kernel}/")], kernel
    r = stack.doca("cp", "cp-box:/proc/1/status", "-", input=b"", check=False)
    assert (r.returncode, r.stderr) == (1, b"doca: Could not find the file /proc/1/status in container cp-box\n")


def test_copy_out_while_the_container_changes_the_files(stack):
    """Entries that vanish during the copy are left out, not a failed copy."""
    churn = ("mkdir /churn; cd /churn; while :; do for i in 1 2 3 4 5 6 7 8 9 10 11 12; do "
             "touch f$i; mkdir d$i; ln -s x l$i; done; rm -rf /churn/*; done")
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", churn).stdout.strip()
    try:
        for _ in range(20):
            r = stack.doca("cp", f"{cid}:/churn", "-", input=b"", check=False)
            assert r.returncode == 0, r.stderr
            with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
                assert tf.getnames()[0] == "churn"
    finally:
        stack.doca("rm", "-f", cid)


def test_copy_out_of_a_stopped_container(stack, tmp_path):
    stack.doca("run", "--name", "cp-stopped", "busybox", "sh", "-c", SETUP + " && echo bye > /gone")
    try:
        assert json.loads(stack.doca("inspect", "cp-stopped").stdout)[0]["State"]["Status"] == "exited"
        stack.doca("cp", "cp-stopped:/gone", str(tmp_path))
        assert (tmp_path / "gone").read_text() == "bye\n"
        stack.doca("cp", "cp-stopped:/d", str(tmp_path / "dir"))
        assert os.readlink(tmp_path / "dir" / "link") == "f" and (tmp_path / "dir" / "f").read_text() == "hello\n"
        r = stack.doca("cp", "-L", "cp-stopped:/abs", "-", input=b"")
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
            assert tf.extractfile("abs/s").read() == b"in-the-container\n"  # its name, the target's contents
        r = stack.doca("cp", "cp-stopped:/rel/s", "-", input=b"")
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
            assert tf.extractfile("s").read() == b"in-the-container\n"
    finally:
        stack.doca("rm", "-f", "cp-stopped")


def test_copy_in(stack, box, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("alpha\n")
    os.chmod(src, 0o751)
    os.chown(src, 4321, 8765)
    (tmp_path / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "dir" / "sub" / "b").write_text("beta\n")
    os.symlink("sub/b", tmp_path / "dir" / "lnk")

    # into a directory (trailing slash): its own name, its mode, root's without -a
    stack.doca("cp", str(src), "cp-box:/tmp/")
    assert _sh(stack, box, "cat /tmp/a.txt; stat -c '%a %u %g' /tmp/a.txt") == "alpha\n751 0 0\n"
    stack.doca("cp", str(src), "cp-box:/tmp/renamed")
    assert _sh(stack, box, "cat /tmp/renamed") == "alpha\n"
    stack.doca("cp", "-a", str(src), "cp-box:/tmp/owned")
    assert _sh(stack, box, "stat -c '%u:%g' /tmp/owned") == "4321:8765\n"
    # a directory, under its own name and under a new one; the symlink stays a symlink
    stack.doca("cp", str(tmp_path / "dir"), "cp-box:/tmp")
    assert _sh(stack, box, "cat /tmp/dir/sub/b; readlink /tmp/dir/lnk") == "beta\nsub/b\n"
    stack.doca("cp", str(tmp_path / "dir"), "cp-box:/tmp/newdir")
    assert _sh(stack, box, "readlink /tmp/newdir/lnk; stat -c '%u:%g' /tmp/newdir/sub/b") == "sub/b\n0:0\n"
    stack.doca("cp", str(tmp_path / "dir") + "/.", "cp-box:/d")  # contents into an existing directory
    assert _sh(stack, box, "ls /d") == "f\nlink\nlnk\nsub\n"
    assert _sh(stack, box, "cat /d/sub/b /d/sub/x") == "beta\ndeep\n"  # merged with what was there
    # -L: the file a host symlink points to
    os.symlink("a.txt", tmp_path / "alink")
    stack.doca("cp", str(tmp_path / "alink"), "cp-box:/tmp/")
    stack.doca("cp", "-L", str(tmp_path / "alink"), "cp-box:/tmp/alink2")
    assert _sh(stack, box, "readlink /tmp/alink; cat /tmp/alink2") == "a.txt\nalpha\n"

    # a symlink destination: where it points is written, the link stays (Docker's client resolves it)
    stack.doca("cp", str(src), "cp-box:/d/link")
    assert _sh(stack, box, "readlink /d/link; cat /d/f") == "f\nalpha\n"
    _sh(stack, box, "ln -s /d /dl && ln -s /tmp/made-by-cp /dangling")
    stack.doca("cp", str(src), "cp-box:/dl")
    stack.doca("cp", str(src), "cp-box:/dangling")
    assert _sh(stack, box, "cat /d/a.txt /tmp/made-by-cp; readlink /dl; readlink /dangling") == "alpha\nalpha\n/d\n/tmp/made-by-cp\n"

    # - : a tar on stdin (plain or gzip) extracted into a directory
    stack.doca("cp", "-", "cp-box:/tmp", input=_tar(("fromtar/x", b"tarred\n")))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("gz.txt")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"gz\n"))
    stack.doca("cp", "-", "cp-box:/tmp", input=buf.getvalue())
    assert _sh(stack, box, "cat /tmp/fromtar/x /tmp/gz.txt") == "tarred\ngz\n"
    err = _one_line_error(stack.doca("cp", "-", "cp-box:/tmp/a.txt", input=_tar(("y", b"y")), check=False))
    assert "must be a directory" in err
    _one_line_error(stack.doca("cp", "-", "cp-box:/tmp", input=b"not a tar at all", check=False))

    # Docker's refusals
    err = _one_line_error(stack.doca("cp", str(src), "cp-box:/no/such/", check=False))
    assert "no such directory" in err
    err = _one_line_error(stack.doca("cp", str(src), "cp-box:/no/such", check=False))
    assert err == "doca: Could not find the file /no in container cp-box\n"
    err = _one_line_error(stack.doca("cp", str(tmp_path / "dir"), "cp-box:/tmp/a.txt", check=False))
    assert "cannot copy a directory to a file" in err
    assert _sh(stack, box, "cat /tmp/a.txt") == "alpha\n"


def test_copy_into_a_volume_and_into_a_stopped_container(stack, tmp_path):
    src = tmp_path / "v.txt"
    src.write_text("in the volume\n")
    cid = stack.doca("run", "-d", "-v", "cp-vol:/data", "busybox", "sleep", "120").stdout.strip()
    created = None
    try:
        stack.doca("cp", str(src), f"{cid}:/data/")
        assert stack.run("-v", "cp-vol:/v", "busybox", "cat", "/v/v.txt") == "in the volume\n"
        stack.doca("stop", "-t", "0", cid)
        stack.doca("cp", str(src), f"{cid}:/data/again.txt")  # stopped: still the volume
        assert stack.run("-v", "cp-vol:/v", "busybox", "cat", "/v/again.txt") == "in the volume\n"
        r = stack.doca("cp", f"{cid}:/data/again.txt", "-", input=b"")
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
            assert tf.extractfile("again.txt").read() == b"in the volume\n"
        # a created container's root: there when it starts
        created = stack.doca("create", "busybox", "cat", "/etc/copied").stdout.strip()
        stack.doca("cp", str(src), f"{created}:/etc/copied")
        stack.doca("start", created)
        assert stack.doca("wait", created).stdout.strip() == "0"
        assert stack.doca("logs", created).stdout == "in the volume\n"
    finally:
        stack.doca("rm", "-f", cid, *([created] if created else []))
        stack.doca("volume", "rm", "cp-vol")


def test_read_only_root_and_volume(stack, tmp_path):
    src = tmp_path / "r.txt"
    src.write_text("r\n")
    cid = stack.doca("run", "-d", "--read-only", "-v", "cp-rw:/data", "-v", "cp-ro:/ro:ro",
                     "busybox", "sleep", "120").stdout.strip()
    try:
        for state in ("running", "stopped"):
            if state == "stopped":
                stack.doca("stop", "-t", "0", cid)
            r = stack.doca("cp", str(src), f"{cid}:/", check=False)
            assert _one_line_error(r) == "doca: container rootfs is marked read-only\n", state
            r = stack.doca("cp", str(src), f"{cid}:/ro/", check=False)
            assert _one_line_error(r) == "doca: mounted volume is marked read-only\n", state
            stack.doca("cp", str(src), f"{cid}:/data/{state}.txt")  # a writable volume is fine (as Docker)
        assert stack.run("-v", "cp-rw:/v", "-v", "cp-ro:/r", "busybox", "ls", "/v", "/r") == \
            "/r:\n\n/v:\nrunning.txt\nstopped.txt\n"
    finally:
        stack.doca("rm", "-f", cid)
        stack.doca("volume", "rm", "cp-rw", "cp-ro")


def test_errors(stack, box, tmp_path):
    for args in (("cp-nobody:/etc/passwd", str(tmp_path)), (str(tmp_path), "cp-nobody:/tmp")):
        r = stack.doca("cp", *args, check=False)
        assert (r.returncode, r.stderr) == (1, "doca: No such container: cp-nobody\n")
    r = stack.doca("cp", "cp-box:/nope", str(tmp_path), check=False)
    assert (r.returncode, r.stderr) == (1, "doca: Could not find the file /nope in container cp-box\n")
    r = stack.doca("cp", str(tmp_path / "missing"), "cp-box:/tmp", check=False)
    assert "no such file or directory" in _one_line_error(r) and "missing" in r.stderr
    r = stack.doca("cp", str(tmp_path), str(tmp_path / "x"), check=False)
    assert _one_line_error(r) == "doca: must specify at least one container source\n"
    r = stack.doca("cp", "cp-box:/d", "other:/tmp", check=False)
    assert _one_line_error(r) == "doca: copying between containers is not supported\n"
    r = stack.doca("cp", "cp-box:/d/f", str(tmp_path / "no" / "dir" / "f"), check=False)
    assert "no such directory" in _one_line_error(r)
    r = stack.doca("cp", "cp-box:/d/f", check=False)  # one argument: usage
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert not list(tmp_path.iterdir())


def test_tar_cannot_write_outside_the_root(stack, tmp_path):
    """Climbing names, absolute and relative symlinks to a host directory,
    a hard link out: refused or kept inside the container, never on the host."""
    victim = tmp_path / "victim"
    victim.mkdir()
    up = "../" * 12
    tars = [
        _tar((f"{up}{str(victim).lstrip('/')}/dotdot", b"x")),
        _tar((str(victim) + "/absname", b"x")),  # an absolute name: under the destination, as Docker
        _tar(("esc", "->", str(victim)), ("esc/through", b"x")),
        _tar(("esc2", "->", up + str(victim).lstrip("/")), ("esc2/throughrel", b"x")),
        _tar(("hl", "=>", up + "etc/passwd")),
        _tar(("esc3", "->", "/"), (f"esc3{victim}/deep", b"x")),
    ]
    cid = stack.doca("run", "-d", "busybox", "sleep", "120").stdout.strip()
    try:
        passwd = _sh(stack, cid, "cat /etc/passwd")
        for state in ("running", "stopped"):
            if state == "stopped":
                stack.doca("stop", "-t", "0", cid)
            for i, data in enumerate(tars):
                r = stack.doca("cp", "-", f"{cid}:/", input=data, check=False)  # the root: the most to reach
                assert r.returncode in (0, 1) and b"Traceback" not in r.stderr, (state, i, r.stderr)
                if r.returncode:
                    assert r.stderr.startswith(b"doca: ") and r.stderr.count(b"\n") == 1, r.stderr
                assert list(victim.iterdir()) == [], (state, i)
            for i in (0, 4):  # the climbing name, the hard link: refused outright
                r = stack.doca("cp", "-", f"{cid}:/tmp", input=tars[i], check=False)
                assert _one_line_error(r).startswith("doca: refusing "), (state, i)
        stack.doca("start", cid)
        assert _sh(stack, cid, "cat /etc/passwd") == passwd
        # what the symlinks led to is the container's own path of that name
        assert _sh(stack, cid, f"cat {victim}/absname {victim}/deep") == "xx"
    finally:
        stack.doca("rm", "-f", cid)
    assert list(victim.iterdir()) == []


def test_host_side_extraction_keeps_to_its_destination(tmp_path):
    """The CLI's side (copying out): a tar from the engine cannot leave DEST either."""
    dest, victim = tmp_path / "dest", tmp_path / "victim"
    dest.mkdir()
    victim.mkdir()
    for data in (_tar(("../victim/a", b"x")), _tar(("l", "->", str(victim)), ("l/b", b"x")),
                 _tar(("h", "=>", "../victim/c"))):
        with pytest.raises(tarfile.TarError):
            tarsafe.extract(io.BytesIO(data), str(dest))
    tarsafe.extract(io.BytesIO(_tar(("top/f", b"ok"))), str(dest), rename=("top", "renamed"))
    assert (dest / "renamed" / "f").read_bytes() == b"ok"
    assert list(victim.iterdir()) == []


def _messages(text: str) -> list[dict]:
    out, dec, i = [], json.JSONDecoder(), 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        doc, i = dec.raw_decode(text, i)
        out.append(doc)
    return out


def test_grpc_stat_path_and_copy_from(stack, box):
    sock = stack.socket("doca")
    doc = json.loads(grpcurl.call(sock, "doca.v1.Containers/StatPath", {"id": "cp-box", "path": "/d/f"}).stdout)
    assert doc["name"] == "f" and int(doc["size"]) == 6 and doc["mode"] == stat.S_IFREG | 0o640
    assert doc["link_target"] == "" and doc["mtime"]
    doc = json.loads(grpcurl.call(sock, "doca.v1.Containers/StatPath", {"id": "cp-box", "path": "/d/link"}).stdout)
    assert stat.S_ISLNK(doc["mode"]) and doc["link_target"] == "/d/f"
    doc = json.loads(grpcurl.call(sock, "doca.v1.Containers/StatPath", {"id": "cp-box", "path": "/d"}).stdout)
    assert stat.S_ISDIR(doc["mode"]) and doc["name"] == "d"
    r = grpcurl.call(sock, "doca.v1.Containers/StatPath", {"id": "cp-box", "path": "/nope"}, check=False)
    assert r.returncode == 64 + 5 and "Could not find the file /nope" in r.stderr  # NOT_FOUND
    r = grpcurl.call(sock, "doca.v1.Containers/StatPath", {"id": "cp-nobody", "path": "/"}, check=False)
    assert r.returncode == 64 + 5
    r = grpcurl.call(sock, "doca.v1.Containers/StatPath", {"id": "cp-box", "path": ""}, check=False)
    assert r.returncode == 64 + 3  # INVALID_ARGUMENT

    msgs = _messages(grpcurl.call(sock, "doca.v1.Containers/CopyFrom", {"id": "cp-box", "path": "/d/sub"}).stdout)
    assert msgs[0]["stat"]["name"] == "sub" and all("data" in m for m in msgs[1:])
    data = b"".join(base64.b64decode(m["data"]) for m in msgs[1:])
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        assert tf.extractfile("sub/x").read() == b"deep\n"
