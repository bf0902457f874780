"""Unit tests of services/images/unpack.py: fidelity and refusal of escapes."""
import os
import stat

import pytest

from common.errors import InvalidArgument
from services.images.unpack import unpack
from tests.support.tarkit import MTIME, chardev, dirent, fifo, hard, reg, sym, tar_bytes, tree_files, write_tar


@pytest.fixture
def dest(tmp_path):
    d = tmp_path / "layer"
    d.mkdir()
    return d


def test_preserves_modes_owners_links_devices_and_times(tmp_path, dest):
    tar = write_tar(tmp_path / "t.tar", [
        dirent("etc", mode=0o750, uid=0, gid=4),
        reg("etc/shadow", b"root:*:1::::::\n", mode=0o640, gid=42),
        dirent("usr"), dirent("usr/bin"),
        reg("usr/bin/passwd", b"\x7fELF-ish", mode=0o4755),
        reg("usr/bin/prog", b"x" * 200_000, mode=0o755, uid=1000, gid=1000, mtime=1_234_567_890),
        hard("usr/bin/prog-again", "usr/bin/prog"),
        sym("usr/bin/link", "prog", uid=5, gid=6),
        sym("abs", "/etc/shadow"),
        dirent("tmp", mode=0o1777),
        dirent("dev"), chardev("dev/null", 1, 3), chardev("dev/zero", 1, 5, mode=0o620),
        fifo("dev/fifo", mode=0o600),
        reg("xattr", b"", pax={"SCHILY.xattr.user.test": "hello"}),
    ])
    stats = unpack(tar, dest)
    assert stats.entries == 15
    st = os.lstat(dest / "etc")
    assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o750, 4)
    assert os.lstat(dest / "etc/shadow").st_gid == 42
    assert stat.S_IMODE(os.lstat(dest / "usr/bin/passwd").st_mode) == 0o4755
    prog = os.lstat(dest / "usr/bin/prog")
    assert (prog.st_uid, prog.st_gid, prog.st_size, prog.st_mtime) == (1000, 1000, 200_000, 1_234_567_890)
    assert (dest / "usr/bin/prog").read_bytes() == b"x" * 200_000
    again = os.lstat(dest / "usr/bin/prog-again")
    assert again.st_ino == prog.st_ino and prog.st_nlink == 2
    assert os.readlink(dest / "usr/bin/link") == "prog"
    link = os.lstat(dest / "usr/bin/link")
    assert (link.st_uid, link.st_gid, link.st_mtime) == (5, 6, MTIME)
    assert os.readlink(dest / "abs") == "/etc/shadow"
    assert stat.S_IMODE(os.lstat(dest / "tmp").st_mode) == 0o1777
    null = os.lstat(dest / "dev/null")
    assert stat.S_ISCHR(null.st_mode) and os.major(null.st_rdev) == 1 and os.minor(null.st_rdev) == 3
    assert stat.S_IMODE(null.st_mode) == 0o666
    assert stat.S_IMODE(os.lstat(dest / "dev/zero").st_mode) == 0o620
    assert stat.S_ISFIFO(os.lstat(dest / "dev/fifo").st_mode)
    assert os.getxattr(dest / "xattr", "user.test") == b"hello"
    # Directory times are set last, after their children were created.
    assert os.lstat(dest / "usr/bin").st_mtime == MTIME
    assert stats.file_bytes == len(b"root:*:1::::::\n") + len(b"\x7fELF-ish") + 200_000


def test_implicit_parents_and_dot_slash_names(tmp_path, dest):
    tar = write_tar(tmp_path / "t.tar", [dirent("./", mode=0o751),
                                         reg("./a/b/c/file", b"data")])
    unpack(tar, dest)
    assert (dest / "a/b/c/file").read_bytes() == b"data"
    assert stat.S_IMODE(os.lstat(dest / "a/b").st_mode) == 0o755
    assert stat.S_IMODE(os.lstat(dest).st_mode) == 0o751  # "./" describes the layer root


def test_later_members_replace_earlier_ones(tmp_path, dest):
    tar = write_tar(tmp_path / "t.tar", [
        reg("f", b"one"), reg("f", b"two"),
        sym("l", "f"), reg("l", b"plain now"),            # a file replaces a symlink, not through it
        dirent("d"), reg("d/x", b"x"), sym("d", "f"),     # a symlink replaces a directory
    ])
    unpack(tar, dest)
    assert (dest / "f").read_bytes() == b"two"
    assert not os.path.islink(dest / "l") and (dest / "l").read_bytes() == b"plain now"
    assert os.readlink(dest / "d") == "f"


def test_writes_through_an_inside_symlink_follow_it(tmp_path, dest):
    tar = write_tar(tmp_path / "t.tar", [dirent("usr"), dirent("usr/lib"), sym("lib", "usr/lib"),
                                         reg("lib/libc.so", b"elf")])
    unpack(tar, dest)
    assert (dest / "usr/lib/libc.so").read_bytes() == b"elf"
    assert os.path.islink(dest / "lib")


def test_whiteouts_become_overlay_whiteouts(tmp_path, dest):
    tar = write_tar(tmp_path / "t.tar", [dirent("etc"), reg("etc/.wh.motd"),
                                         dirent("var"), reg("var/.wh..wh..opq")])
    unpack(tar, dest)
    wh = os.lstat(dest / "etc/motd")
    assert stat.S_ISCHR(wh.st_mode) and wh.st_rdev == 0
    assert not (dest / "etc/.wh.motd").exists()
    assert os.getxattr(dest / "var", "trusted.overlay.opaque") == b"y"
    assert not (dest / "var/.wh..wh..opq").exists()


HOSTILE = {
    "dotdot": [reg("../escaped", b"pwned")],
    "dotdot-inside": [dirent("a"), reg("a/../../escaped", b"pwned")],
    "absolute": [reg("/tmp/escaped-abs", b"pwned")],
    "symlink-relative-escape": [sym("evil", "../../../../../../../../tmp"), reg("evil/escaped", b"pwned")],
    "symlink-absolute": [sym("evil", "/tmp"), reg("evil/escaped", b"pwned")],
    "symlink-chain": [dirent("a"), sym("a/up", ".."), sym("b", "a/up/.."), reg("b/escaped", b"pwned")],
    "hardlink-outside": [hard("pw", "../../../../../../etc/passwd")],
    "hardlink-absolute": [hard("pw", "/etc/passwd")],
    "hardlink-through-symlink": [sym("etc", "/etc"), hard("pw", "etc/passwd")],
    "hardlink-missing": [hard("pw", "not/there")],
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_tars_are_refused(tmp_path, dest, case):
    outside = tmp_path / "escaped"
    tar = write_tar(tmp_path / "t.tar", HOSTILE[case])
    with pytest.raises(InvalidArgument) as err:
        unpack(tar, dest)
    assert "refusing tar member" in str(err.value)
    assert not outside.exists()
    assert not os.path.exists("/tmp/escaped") and not os.path.exists("/tmp/escaped-abs")
    assert not os.path.exists(dest / "pw")


def test_not_a_tar_and_truncated_tar(tmp_path, dest):
    junk = tmp_path / "junk"
    junk.write_bytes(b"this is not a tar archive at all\n" * 100)
    with pytest.raises(InvalidArgument, match="not a tar"):
        unpack(junk, dest)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(InvalidArgument):
        unpack(empty, dest)
    whole = tar_bytes([reg("big", b"y" * 100_000)])
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole[:50_000])
    with pytest.raises(InvalidArgument):
        unpack(cut, dest)


def test_nothing_outside_dest_is_touched_by_a_valid_layer(tmp_path, dest):
    before = tree_files(tmp_path)
    tar = write_tar(tmp_path / "t.tar", [sym("etc", "/etc"), sym("up", "../.."), reg("file", b"x")])
    unpack(tar, dest)
    after = tree_files(tmp_path)
    assert set(after) - set(before) == {"t.tar", "layer/etc", "layer/up", "layer/file"}
