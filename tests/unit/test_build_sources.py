"""COPY and ADD without a stack: which entries a step's layer gets (Docker's
destination rules, globs, symlinked parents in the image, --chown names
from the image, ADD of local archives), the layer tar they make, and the
fingerprint its cache key is made of."""
import gzip
import io
import os
import tarfile

import pytest

from common.errors import InvalidArgument, NotFound
from services.images.build import entries, owner, sources
from common import fstree as trees
from services.images.build.context import ContextFile
from common.layerview import LayerTree
from services.images.dockerfile.heredoc import Heredoc
from tests.build.test_build_trees import _tar

NOW = 1_800_000_000


def _tgz(files: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.uid = len(data), 7
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def context(tmp_path):
    f = ContextFile(str(tmp_path))
    f.receive([_tar([("a.txt", "file", b"A", 0o600), ("b.txt", "file", b"B"), ("src/x", "file", b"X"),
                     ("src/sub/y", "file", b"Y"), ("app.tgz", "file", _tgz({"./": b"", "in/f": b"F"})),
                     ("fake.gz", "file", gzip.compress(b"not a tar")),
                     ("plain.tar", "file", _tar([("t", "file", b"T")]))])])
    yield f.tree()
    f.close()


@pytest.fixture
def image(tmp_path):
    """A root filesystem with /bin -> usr/bin (merged /usr) and users."""
    root = tmp_path / "layer"
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "bin").symlink_to("usr/bin")
    (root / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n")
    (root / "etc" / "group").write_text("root:x:0:\nstaff:x:50:\n")
    (root / "existing").mkdir(mode=0o711)
    return LayerTree([root])


def _plan(context, image, *srcs, dest, **kw):
    req = sources.Request(kw.pop("keyword", "COPY"), tuple(srcs), dest, **kw)
    return sources.plan(req, context, image, NOW)


def _names(items):
    return [(e.name, e.kind) for e in items]


def test_destination_rules(context, image):
    assert _names(_plan(context, image, "a.txt", dest="/new/name")) == [("new", "dir"), ("new/name", "file")]
    assert _names(_plan(context, image, "a.txt", dest="/new/")) == [("new", "dir"), ("new/a.txt", "file")]
    # An existing directory takes the file inside, with or without the slash; its metadata stays.
    items = _plan(context, image, "a.txt", dest="/existing")
    assert _names(items) == [("existing", "dir"), ("existing/a.txt", "file")] and items[0].mode == 0o711
    # Relative to WORKDIR; a directory source copies its contents.
    assert _names(_plan(context, image, "src", dest="out", workdir="/w")) == [
        ("w", "dir"), ("w/out", "dir"), ("w/out/sub", "dir"), ("w/out/sub/y", "file"), ("w/out/x", "file")]
    with pytest.raises(InvalidArgument, match="must be a directory and end with a /"):
        _plan(context, image, "a.txt", "b.txt", dest="/many")
    assert [e.name for e in _plan(context, image, "*.txt", dest="/g/")] == ["g", "g/a.txt", "g/b.txt"]


def test_sources_that_are_not_there(context, image):
    with pytest.raises(NotFound, match="file not found in build context or excluded by .dockerignore"):
        _plan(context, image, "nope.txt", dest="/x")
    with pytest.raises(NotFound, match="no source files were specified"):
        _plan(context, image, "*.md", dest="/x/")
    with pytest.raises(InvalidArgument, match="outside the build context"):
        _plan(context, image, "../a.txt", dest="/x")


def test_parents_resolved_through_the_images_symlinks(context, image):
    items = _plan(context, image, "a.txt", dest="/bin/")
    assert _names(items) == [("usr", "dir"), ("usr/bin", "dir"), ("usr/bin/a.txt", "file")]


def test_owner_mode_and_inline_files(context, image):
    assert owner.resolve("app", image) == (1000, 1001) and owner.resolve("app:staff", image) == (1000, 50)
    assert owner.resolve("5", image) == (5, 5) and owner.resolve("5:6", image) == (5, 6)
    with pytest.raises(InvalidArgument, match="unable to find user nobody"):
        owner.resolve("nobody", image)
    doc = Heredoc("EOF", "hello\n")
    items = _plan(context, image, "a.txt", dest="/o/", owner=(1000, 1001), chmod=0o640, heredocs=(doc,))
    assert [(e.name, e.uid, e.gid, e.mode) for e in items] == [
        ("o", 1000, 1001, 0o755), ("o/a.txt", 1000, 1001, 0o640), ("o/EOF", 1000, 1001, 0o640)]
    assert _plan(context, image, "a.txt", dest="/o/")[1].mode == 0o600  # the context's mode, root's


def _layer(items) -> dict:
    buf = io.BytesIO()
    entries.write_layer(items, buf.write)
    buf.seek(0)
    with tarfile.open(fileobj=buf) as tar:
        return {m.name: (m.uid, tar.extractfile(m).read() if m.isreg() else None) for m in tar}


def test_add_extracts_local_archives_only(context, image):
    layer = _layer(_plan(context, image, "app.tgz", dest="/opt", keyword="ADD"))
    assert layer == {"opt": (0, None), "opt/in/f": (7, b"F")}  # the archive's owners
    layer = _layer(_plan(context, image, "plain.tar", "fake.gz", dest="/o/", keyword="ADD"))
    assert layer["o/t"] == (0, b"T") and layer["o/fake.gz"][1] == gzip.compress(b"not a tar")
    assert "o/app.tgz" in _layer(_plan(context, image, "app.tgz", dest="/o/"))  # COPY never extracts
    with pytest.raises(InvalidArgument, match="remote sources"):
        _plan(context, image, "https://example.com/x.tgz", dest="/o/", keyword="ADD")


def test_fingerprint_is_content_and_metadata_not_mtime(context, image):
    a = _plan(context, image, "src", dest="/s/")
    b = _plan(context, image, "src", dest="/s/")
    for e in b:
        e.mtime += 100
    assert entries.fingerprint(a) == entries.fingerprint(b)
    b[-1].data, b[-1].node = b"changed", None
    assert entries.fingerprint(a) != entries.fingerprint(b)
    c = _plan(context, image, "src", dest="/s/", chmod=0o700)
    assert entries.fingerprint(a) != entries.fingerprint(c)


def test_excludes(context, image):
    items = _plan(context, image, "src", dest="/s/", excludes=("sub",))
    assert [e.name for e in items] == ["s", "s/x"]


def test_copy_from_a_stage_tree_keeps_what_it_finds(tmp_path, image):
    stage = tmp_path / "stage"
    (stage / "out").mkdir(parents=True)
    (stage / "out" / "bin").write_bytes(b"\x7fELF")
    os.chmod(stage / "out" / "bin", 0o755)
    (stage / "out" / "link").symlink_to("bin")
    items = _plan(LayerTree([stage]), image, "/out/", dest="/app/", from_context=False, where="stage build")
    assert [(e.name, e.kind, e.mode) for e in items] == [
        ("app", "dir", 0o755), ("app/bin", "file", 0o755), ("app/link", "symlink", 0o777)]
    with pytest.raises(NotFound, match="not found in the stage build"):
        _plan(LayerTree([stage]), image, "/missing", dest="/x", from_context=False, where="stage build")
    assert trees.lookup(image, "existing").mode == 0o711
