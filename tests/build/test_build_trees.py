"""What COPY reads from: the received context (a tar, indexed, never
extracted) and a stack of layers seen as overlayfs merges them, both behind
tree.Tree; and the CLI's tar headers the context travels in."""
import io
import os
import stat
import tarfile

import pytest

from common.errors import InvalidArgument
from gateway.cli import build as cli_build
from common import fstree as trees
from services.images.build.context import ContextFile
from common.layerview import LayerTree
from common.overlayfs import OPAQUE_XATTR
from services.images.dockerfile import IgnoreMatcher


def _tar(members) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for m in members:
            name, kind = m[0], m[1]
            info = tarfile.TarInfo(name)
            data = b""
            if kind == "file":
                data = m[2]
                info.size, info.mode = len(data), (m[3] if len(m) > 3 else 0o644)
            elif kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o750
            elif kind == "sym":
                info.type, info.linkname = tarfile.SYMTYPE, m[2]
            elif kind == "hard":
                info.type, info.linkname = tarfile.LNKTYPE, m[2]
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
            tar.addfile(info, io.BytesIO(data) if data else None)
    return buf.getvalue()


def _context(tmp_path, members):
    f = ContextFile(str(tmp_path))
    f.receive([_tar(members)])
    return f.tree()


def test_context_index_reads_bodies_from_the_tar(tmp_path):
    t = _context(tmp_path, [("a.txt", "file", b"alpha", 0o755), ("dir", "dir"), ("dir/b", "file", b"beta"),
                            ("deep/er/c", "file", b"implicit parents"), ("link", "sym", "dir/b"),
                            ("hard", "hard", "a.txt"), ("pipe", "fifo")])
    assert t.children(t.root()) == ["a.txt", "deep", "dir", "hard", "link"]  # the fifo is not a file to copy
    a = trees.lookup(t, "a.txt")
    assert (a.kind, a.mode, a.size, a.uid) == (trees.FILE, 0o755, 5, 0)
    assert b"".join(t.read(trees.lookup(t, "hard"))) == b"alpha"
    assert trees.lookup(t, "deep/er").mode == 0o755 and trees.lookup(t, "dir").mode == 0o750
    assert trees.lookup(t, "link").path == "dir/b"                     # followed...
    assert trees.lookup(t, "link", follow_last=False).kind == trees.SYMLINK  # ...or not
    assert t.read_file("deep/er/c") == b"implicit parents"
    assert [p for p, _ in trees.walk(t, t.root())][:3] == ["a.txt", "deep", "deep/er"]
    assert not any(tmp_path.glob("a.txt")) and os.listdir(tmp_path) == ["context.tar"]  # nothing extracted


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/../../b"])
def test_context_refuses_paths_out_of_it(tmp_path, name):
    with pytest.raises(InvalidArgument, match="unsafe path"):
        _context(tmp_path, [(name, "file", b"x")])


def test_context_symlinks_never_leave_it(tmp_path):
    t = _context(tmp_path, [("up", "sym", "../../.."), ("abs", "sym", "/"), ("f", "file", b"in")])
    assert trees.lookup(t, "up/f").path == "f"   # ".." stops at the context's root
    assert trees.lookup(t, "abs/f").path == "f"  # "/" is the context's root


def test_context_filtered_by_dockerignore(tmp_path):
    t = _context(tmp_path, [("keep.txt", "file", b"k"), ("x.log", "file", b"l"), ("build/out", "file", b"o"),
                            ("build/keep.txt", "file", b"kk"), ("Dockerfile", "file", b"FROM x")])
    seen = t.filtered(IgnoreMatcher.parse("*.log\nbuild\n!build/keep.txt\nDockerfile\n"))
    assert [p for p, _ in trees.walk(seen, seen.root())] == ["build", "build/keep.txt", "keep.txt"]
    assert t.read_file("Dockerfile") == b"FROM x"  # the builder still reads it from the whole tree


def _whiteout(path):
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(0, 0))


def test_layer_tree_merges_as_overlay(tmp_path):
    low, mid, top = (tmp_path / n for n in ("low", "mid", "top"))
    for d in (low / "etc", low / "opq", low / "gone", mid / "etc", mid / "opq", top / "etc"):
        d.mkdir(parents=True)
    (low / "etc" / "passwd").write_text("low")
    (low / "etc" / "group").write_text("low group")
    (low / "opq" / "hidden").write_text("x")
    (low / "gone" / "file").write_text("x")
    (low / "bin").symlink_to("usr/bin")
    (mid / "etc" / "passwd").write_text("mid")
    (mid / "opq" / "own").write_text("y")
    os.setxattr(mid / "opq", OPAQUE_XATTR, b"y")
    _whiteout(mid / "gone")
    (top / "etc" / "hosts").write_text("top")
    _whiteout(top / "etc" / "group")
    t = LayerTree([top, mid, low])
    assert t.children(t.root()) == ["bin", "etc", "opq"]
    assert t.children(trees.lookup(t, "etc")) == ["hosts", "passwd"]
    assert b"".join(t.read(trees.lookup(t, "etc/passwd"))) == b"mid"
    assert t.children(trees.lookup(t, "opq")) == ["own"]  # opaque: the low layer's entries are hidden
    assert trees.lookup(t, "gone/file") is None
    found = trees.locate(t, "bin/sh/x")  # through the symlink: usr/bin is missing
    assert found.node is None and found.missing == ["usr", "bin", "sh", "x"]


def test_cli_tar_headers_round_trip_through_tarfile(tmp_path):
    long_name = "d/" * 70 + "naïve.txt"
    data = b"y" * 700
    raw = (cli_build._header("a", cli_build.REG, 0o4755, 1, 1_700_000_000) + b"a" + b"\0" * 511
           + cli_build._header(long_name, cli_build.REG, 0o644, len(data), 1) + data + b"\0" * (-len(data) % 512)
           + cli_build._header("d", cli_build.DIR, 0o700) + cli_build._header("l", cli_build.SYM, 0o777, linkname="t/" * 60)
           + b"\0" * 1024)
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        got = [(m.name, m.mode, m.size, m.type, m.linkname, m.uid) for m in tar]
    assert got == [("a", 0o4755, 1, tarfile.REGTYPE, "", 0), (long_name, 0o644, 700, tarfile.REGTYPE, "", 0),
                   ("d", 0o700, 0, tarfile.DIRTYPE, "", 0), ("l", 0o777, 0, tarfile.SYMTYPE, "t/" * 60, 0)]
