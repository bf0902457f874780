"""A hostile image and hostile destinations never reach the host's files:
mount destinations (-v, --tmpfs, an image's VOLUME), the working directory
and the volume copy-up resolve `..` and the image's symlinks inside the
container's root (securejoin semantics, as runc's), and the user lookup
reads the image's /etc/passwd, never a host file it links to.

Each test plants a canary directory on the host where an escaping path
would land, builds an image that aims at it, and checks from outside: what
the container sees, what the volume holds, and that the canary directory
is exactly as it was."""
import os
import pathlib
import shutil
import stat
import tempfile

import pytest

from tests.support.build import build, write_context

UP = "../" * 12  # more than enough to climb out of any store path


@pytest.fixture
def canary():
    """A host directory holding a secret and a passwd-like file; yields
    its path, then checks that nothing in it was changed or added."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="doca-canary-"))
    (d / "secret").write_text("host secret\n")
    (d / "passwd").write_text("evil:x:4242:4242::/:/bin/sh\n")
    before = _snapshot(d)
    try:
        yield d
        assert _snapshot(d) == before, "a container or an image changed a host directory"
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _snapshot(d: pathlib.Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in d.iterdir()}


@pytest.fixture
def volumes(stack):
    made: list[str] = []
    yield made
    for name in made:
        stack.doca("volume", "rm", "-f", name, check=False)


def _volume_files(stack, name: str) -> list[str]:
    return sorted(os.listdir(stack.root / "volumes" / name / "_data"))


def _image(stack, tmp_path, clean_build, tag: str, dockerfile: str) -> str:
    clean_build.append(tag)
    build(stack, write_context(tmp_path, {"Dockerfile": dockerfile}), "-t", tag)
    return tag


@pytest.mark.parametrize("how", ["absolute-link", "relative-link", "dotdot"])
def test_image_volume_copy_up_never_reads_the_host(stack, tmp_path, clean_build, canary, how):
    if how == "absolute-link":
        steps = f"RUN ln -s {canary} /data\nVOLUME /data\n"
    elif how == "relative-link":
        steps = f"RUN ln -s {UP}{str(canary).lstrip('/')} /data\nVOLUME /data\n"
    else:
        steps = f'VOLUME ["/{UP}{str(canary).lstrip("/")}"]\n'
    tag = _image(stack, tmp_path, clean_build, f"hostile-vol-{how}:1", f"FROM busybox\n{steps}")
    out = stack.run(tag, "sh", "-c", f"ls -a /data {canary} 2>/dev/null; cat /data/secret {canary}/secret 2>&1; true")
    assert "host secret" not in out and "secret\n" not in out.replace("/secret", "")


def test_named_volume_through_a_hostile_path_gets_the_image_content_only(stack, tmp_path, clean_build, canary,
                                                                            volumes):
    tag = _image(stack, tmp_path, clean_build, "hostile-named:1",
                 f"FROM busybox\nRUN mkdir -p /app && echo image > /app/own && ln -s {canary} /link\n")
    for i, dest in enumerate([f"/{UP}{str(canary).lstrip('/')}", "/link", f"/{UP}app"]):
        name = f"sec-vol-{i}-{os.urandom(3).hex()}"
        volumes.append(name)
        out = stack.run("-v", f"{name}:{dest}", tag, "sh", "-c", f"ls {dest}; echo written > {dest}/new")
        assert "secret" not in out
        # /../../app is the image's /app: its content and nothing of the host's
        expected = ["new", "own"] if dest.endswith("app") else ["new"]
        assert _volume_files(stack, name) == expected


def test_mounts_and_workdir_through_symlinks_stay_in_the_container(stack, tmp_path, clean_build, canary):
    tag = _image(stack, tmp_path, clean_build, "hostile-links:1",
                 f"FROM busybox\nRUN ln -s {canary} /abs && ln -s {UP}{str(canary).lstrip('/')} /rel\n")
    out = stack.run("--tmpfs", "/abs", "-w", "/rel/work", tag, "sh", "-c",
                    "echo x > /abs/t; echo y > here; pwd; ls /abs /rel")
    assert "secret" not in out and "passwd" not in out
    bind = tmp_path / "bindsrc"
    bind.mkdir()
    stack.run("-v", f"{bind}:/rel/inside", tag, "sh", "-c", "echo z > /rel/inside/f")
    assert (bind / "f").read_text() == "z\n"  # the bind landed in the container, on the image's path
    # (the canary fixture checks that nothing reached the host's directory)


def test_user_lookup_reads_the_images_passwd_not_a_host_file(stack, tmp_path, clean_build, canary):
    tag = _image(stack, tmp_path, clean_build, "hostile-passwd:1",
                 f"FROM busybox\nRUN ln -sf {canary}/passwd /etc/passwd\n")
    r = stack.doca("run", "--rm", "-u", "evil", tag, "id", "-u", check=False)
    assert r.returncode != 0 and "4242" not in r.stdout
    assert "unable to find user evil" in r.stderr


def test_a_mount_target_swapped_for_a_symlink_after_resolution_is_refused(tmp_path):
    """The state a racing container leaves between secure_join and mount(2)
    (CVE-2021-30465): the resolved target's parent, or the target itself,
    is now a symlink out of the root. The check on the opened descriptor
    refuses both; an untouched target passes."""
    from services.runtime.rootfs_linux import _inside
    root, outside = tmp_path / "rootfs", tmp_path / "host"
    (root / "vol" / "sub").mkdir(parents=True)
    (outside / "sub").mkdir(parents=True)
    with _inside(str(root), str(root / "vol" / "sub")) as at:
        assert os.readlink(at) == str(root / "vol" / "sub")
    shutil.rmtree(root / "vol")
    (root / "vol").symlink_to(outside)  # a parent swapped
    with pytest.raises(OSError, match="moved out of the container's root"):
        with _inside(str(root), str(root / "vol" / "sub")):
            pass
    (root / "last").symlink_to(outside)  # the target itself swapped
    with pytest.raises(OSError):
        with _inside(str(root), str(root / "last")):
            pass


def test_volume_copy_up_never_follows_a_symlink_swapped_in_during_the_copy(tmp_path, monkeypatch):
    """A running container that has the volume mounted swaps a directory the
    copy just made for a symlink to the host (the race of a shared volume):
    the copy goes on in what it made, through its descriptors; the host's
    directory gets no file and keeps its mode."""
    from common.layerview import LayerTree
    from services.volumes import populate
    layer = tmp_path / "layer"
    (layer / "data" / "sub").mkdir(parents=True)
    for i in range(5):
        (layer / "data" / "sub" / f"f{i}").write_text("image")
    os.chmod(layer / "data" / "sub", 0o777)
    host = tmp_path / "host"
    host.mkdir(mode=0o700)
    vol = tmp_path / "vol"
    vol.mkdir()

    class Racing(LayerTree):
        def children(self, directory):
            if directory.path == "data/sub":  # the copy has made vol/sub: swap it now
                os.rename(vol / "sub", tmp_path / "moved")
                os.symlink(host, vol / "sub")
            return super().children(directory)

    monkeypatch.setattr(populate, "LayerTree", Racing)
    assert populate.populate(str(vol), [str(layer)], "/data")
    assert os.listdir(host) == [] and stat.S_IMODE(os.stat(host).st_mode) == 0o700
    assert sorted(os.listdir(tmp_path / "moved")) == [f"f{i}" for i in range(5)]  # the copy went where it began


@pytest.mark.parametrize("swap", ["file", "parent"])
def test_export_of_a_running_container_never_reads_a_host_file_swapped_in(tmp_path, swap):
    """export and commit --pause=false read an upper dir the container keeps
    writing: between the lstat that made a member's header and the read of
    its body, the file (or a parent directory) becomes a symlink to a host
    file. The body is then zeros of the measured size, never the host's."""
    from services.images import tarstream
    secret = tmp_path / "host" / "a" / "f"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"host secret!")  # the same size as what was measured
    upper = tmp_path / "upper"
    (upper / "a").mkdir(parents=True)
    (upper / "a" / "f").write_bytes(b"container ok")
    st = os.lstat(upper / "a" / "f")
    if swap == "file":
        os.unlink(upper / "a" / "f")
        os.symlink(secret, upper / "a" / "f")
    else:
        shutil.rmtree(upper / "a")
        os.symlink(secret.parent, upper / "a")
    data = b"".join(tarstream.entry("a/f", str(upper / "a" / "f"), st, tarstream.HardlinkTracker()))
    assert b"host secret" not in data and b"\0" * 12 in data


def test_mount_points_are_made_without_following_symlinks(tmp_path):
    """Making a mount point (its missing parents too) in a root where a
    shared volume's directory became a symlink to the host: refused, and
    nothing is made on the host (runc's CVE-2024-45310)."""
    from common.beneath import make_beneath
    root, outside = tmp_path / "rootfs", tmp_path / "host"
    root.mkdir()
    outside.mkdir()
    make_beneath(str(root), "a/b/c")
    make_beneath(str(root), "a/file", directory=False)
    assert (root / "a" / "b" / "c").is_dir() and (root / "a" / "file").is_file()
    (root / "vol").symlink_to(outside)
    for rel, directory in (("vol/new/dir", True), ("vol/newfile", False), ("vol", True)):
        with pytest.raises(OSError):
            make_beneath(str(root), rel, directory=directory)
    assert os.listdir(outside) == []


def test_ids_out_of_range_in_an_image_or_a_build_are_refused(stack, tmp_path, clean_build):
    """An image's passwd naming uid 4294967295 (setresuid's -1, "unchanged":
    the process would stay root) and a build cache mount with a uid no
    kernel takes: one line each, nothing run."""
    tag = _image(stack, tmp_path, clean_build, "hostile-uid:1",
                 "FROM busybox\nRUN echo 'evil:x:4294967295:4294967295::/:/bin/sh' >> /etc/passwd\n")
    r = stack.doca("run", "--rm", "-u", "evil", tag, "id", "-u", check=False)
    assert r.returncode == 125 and r.stdout == "" and "range 0-2147483647" in r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
    ctx = write_context(tmp_path / "cache", {"Dockerfile": (
        "FROM busybox\nRUN --mount=type=cache,target=/c,uid=99999999999999999999 true\n")})
    r = build(stack, ctx, "-t", "never:1", check=False)
    assert r.returncode == 1 and "uid=99999999999999999999" in r.stderr and "Traceback" not in r.stderr
