"""Decompression bombs and a full disk never take the images service down.

A few MiB of zstd (or of gzip members) that inflate to tens of GiB go in
through import, load and pull; the images service must inflate them in
bounded steps: its peak resident memory (VmHWM, reset before each call) stays
under MEMORY_BOUND. What stops such a stream is the disk: the stack here has
its root on a small tmpfs (ROOT_MIB), so a write fails with ENOSPC, which
must come back as RESOURCE_EXHAUSTED (on the CLI: one line, exit 1) and leave
nothing half-written (no ingest file, no unpack directory, no blob, no layer,
no image), with the same service process answering afterwards.

The bombs are made here: zstd frames of 64 MiB of zeros (~2 KiB each) and
gzip members of 1 MiB of zeros (~1 KiB each), repeated behind a tar header.
"""
import gzip
import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import tarfile
import tempfile
import time

import pytest
import zstandard

from common.errors import InvalidArgument
from common import tarlimits
from services.images import decompress
from tests.support.faulty_registry import FaultyRegistry, digest
from tests.support.stack import Stack

MiB = 1 << 20
GiB = 1 << 30
ROOT_MIB = 128
MEMORY_BOUND = 256 * MiB   # the images service's peak RSS during one call (it idles at ~60 MiB)
ZSTD_ZEROS = zstandard.ZstdCompressor().compress(bytes(64 * MiB))  # one frame: 64 MiB of zeros
GZIP_ZEROS = gzip.compress(bytes(MiB), 9, mtime=0)                 # one member: 1 MiB of zeros


# -- the bombs ------------------------------------------------------------------

def tar_header(name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mode, info.mtime = size, kind, 0o644, 1700000000
    return info.tobuf(tarfile.GNU_FORMAT)  # GNU: base-256 sizes past 8 GiB


def zstd_bomb(head: bytes, plain: int) -> bytes:
    """head, then zeros: `plain` bytes once inflated, ~1/32000 of it here."""
    return zstandard.ZstdCompressor().compress(head) + ZSTD_ZEROS * (plain // (64 * MiB))


def gzip_bomb(head: bytes, plain: int) -> bytes:
    """A multi-member gzip (as pigz or `cat a.gz b.gz` make): ~1/1000."""
    return gzip.compress(head, mtime=0) + GZIP_ZEROS * (plain // MiB)


def tar_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def docker_archive(layer: bytes, diff_id: str, tag: str) -> bytes:
    """A `docker save` archive of one image whose one layer is `layer` (kept
    as it is, compressed or not); its config claims `diff_id`."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    manifest = json.dumps([{"Config": "config.json", "RepoTags": [tag], "Layers": ["layer.tar"]}]).encode()
    return tar_of({"config.json": config, "layer.tar": layer, "manifest.json": manifest})


# -- the stack on a small disk -----------------------------------------------------

@pytest.fixture(scope="module")
def small_stack():
    base = pathlib.Path(tempfile.mkdtemp(prefix="doca-bombs-"))
    s = Stack(base, "bombs")
    s.root.mkdir(mode=0o711)
    mounted = False
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={ROOT_MIB}m,mode=0711", "doca-test-bombs",
                        str(s.root)], check=True)
        mounted = True
        s.start()
        yield s
    finally:
        try:
            s.destroy()
        finally:
            if mounted:
                if subprocess.run(["umount", str(s.root)], capture_output=True).returncode != 0:
                    subprocess.run(["umount", "-l", str(s.root)], capture_output=True)
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def work(tmp_path):
    """tmp_path, emptied at the end: the archives here are up to 160 MiB."""
    try:
        yield tmp_path
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def images_pid(s: Stack) -> int:
    """The stack's images service: `python -m services.images ... --root ROOT`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = pathlib.Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"services.images" in argv and str(s.root).encode() in argv:
            found.append(int(entry))
    assert len(found) == 1, found
    return found[0]


def reset_peak(pid: int) -> None:
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # VmHWM back to the current RSS (proc(5))


def peak(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def stored(s: Stack) -> dict:
    root = s.root / "images"
    return {"blobs": sorted(os.listdir(root / "blobs" / "sha256")),
            "layers": sorted(os.listdir(root / "layers")),
            "ingest": sorted(os.listdir(root / "ingest")),
            "tmp": sorted(os.listdir(root / "tmp"))}


def images(s: Stack) -> str:
    return s.doca("images", "-a", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").stdout


class Watch:
    """Around one call: the images service's peak memory, and afterwards
    that the same process answers and the store is as it was."""

    def __init__(self, s: Stack):
        self.s = s

    def __enter__(self):
        self.pid = images_pid(self.s)
        self.before = stored(self.s)
        self.listed = images(self.s)
        reset_peak(self.pid)
        self.t0 = time.monotonic()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.seconds = time.monotonic() - self.t0
            self.peak = peak(self.pid)
            print(f"images service peak RSS {self.peak / MiB:.0f} MiB, {self.seconds:.1f}s")
            assert self.peak < MEMORY_BOUND, f"the images service reached {self.peak / MiB:.0f} MiB"
            assert images_pid(self.s) == self.pid, "the images service was restarted"
            assert images(self.s) == self.listed  # it answers, and nothing was added
            assert stored(self.s) == self.before  # nothing half-written, nothing left
        return False


def one_line_failure(r, *words) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    err = r.stderr.strip()
    assert "\n" not in err and err.startswith("doca: "), err
    for w in words:
        assert w in err, err


def free_kib(path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize // 1024


# -- through the services -------------------------------------------------------

@pytest.mark.parametrize("make, plain", [(zstd_bomb, 64 * GiB), (gzip_bomb, 2 * GiB)], ids=["zstd", "gzip"])
def test_import_bomb_fills_the_disk_not_memory(small_stack, work, make, plain):
    s = small_stack
    bomb = work / "bomb"
    bomb.write_bytes(make(tar_header("zeros", plain), plain))
    assert bomb.stat().st_size <= 3 * MiB
    with Watch(s):
        r = s.doca("import", str(bomb), "bomb:1", check=False)
        one_line_failure(r, "no space left on device")
    assert "bomb" not in images(s)
    # The space came back: a small import goes through.
    small = work / "small.tar"
    small.write_bytes(tar_of({"hello": b"hi\n"}))
    image_id = s.doca("import", str(small), "small:1").stdout.strip()
    s.doca("rmi", image_id)


def test_load_streams_gibs_in_bounded_memory(small_stack, work):
    """A zstd archive whose first member (of a type no one reads) holds
    8 GiB of zeros: all of it is inflated and passed over, never held."""
    s = small_stack
    bomb = work / "bomb.tar.zst"
    bomb.write_bytes(zstd_bomb(tar_header("padding", 8 * GiB, b"Z"), 8 * GiB))
    with Watch(s):
        r = s.doca("load", "-i", str(bomb), check=False)
        one_line_failure(r, "not an image archive")


def test_load_of_a_bomb_layer_fills_the_disk_not_memory(small_stack, work):
    s = small_stack
    layer = zstd_bomb(tar_header("zeros", 64 * GiB), 64 * GiB)
    archive = work / "bomb.tar"
    archive.write_bytes(docker_archive(layer, "sha256:" + "ab" * 32, "bomb:layer"))
    with Watch(s):
        r = s.doca("load", "-i", str(archive), check=False)
        one_line_failure(r, "no space left on device")
    assert "bomb" not in images(s)


@pytest.mark.parametrize("size_mib", [80, 160], ids=["unpack", "ingest"])
def test_full_disk_import_leaves_nothing(small_stack, work, size_mib):
    """Random bytes (no bomb): ENOSPC while the tar is spooled (160 MiB) or
    while it is unpacked (80 MiB fits once, not twice)."""
    s = small_stack
    assert free_kib(s.root) > 100 * 1024
    archive = work / "big.tar"
    archive.write_bytes(tar_of({"random": os.urandom(size_mib * MiB)}))
    with Watch(s):
        r = s.doca("import", str(archive), "big:1", check=False)
        one_line_failure(r, "no space left on device")
    assert "big" not in images(s)


def test_full_disk_load_leaves_nothing(small_stack, work):
    s = small_stack
    layer = tar_of({"random": os.urandom(160 * MiB)})
    archive = work / "big.tar"
    archive.write_bytes(docker_archive(layer, digest(layer), "big:load"))
    with Watch(s):
        r = s.doca("load", "-i", str(archive), check=False)
        one_line_failure(r, "no space left on device")
    assert "big" not in images(s)


def _bomb_image(reg: FaultyRegistry, repo: str, layer: bytes, diff_id: str = "sha256:" + "cd" * 32) -> str:
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config),
                   "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd", "digest": digest(layer),
                    "size": len(layer)}]}).encode()
    reg.blobs.update({digest(config): config, digest(layer): layer})
    reg.manifests[(repo, "1")] = ("application/vnd.oci.image.manifest.v1+json", manifest)
    return f"{reg.address}/{repo}:1"


def test_pull_of_a_bomb_layer_fills_the_disk_not_memory(small_stack, faulty):
    s = small_stack
    ref = _bomb_image(faulty, "bomb/zeros", zstd_bomb(tar_header("zeros", 64 * GiB), 64 * GiB))
    with Watch(s):
        r = s.doca("pull", ref, check=False)
        one_line_failure(r, "no space left on device")
    assert "bomb/zeros" not in images(s)


def test_pull_of_a_huge_extended_header_is_refused(small_stack, faulty):
    """A PAX header saying 16 GiB, then 1 GiB of zeros: tarfile would read
    all there is into memory. (The diff id is right: a layer refused for
    its tar is told as such only then; with a wrong one, that is the error.)"""
    s = small_stack
    head = tar_header("././@PaxHeader", 16 * GiB, tarfile.XHDTYPE)
    h = hashlib.sha256(head)
    zeros = bytes(64 * MiB)
    for _ in range(16):
        h.update(zeros)
    ref = _bomb_image(faulty, "bomb/pax", zstd_bomb(head, GiB), "sha256:" + h.hexdigest())
    with Watch(s):
        r = s.doca("pull", ref, check=False)
        one_line_failure(r, "extended header")
    assert "bomb/pax" not in images(s)


# -- the pieces, in this process -----------------------------------------------------

@pytest.mark.parametrize("kind", ["zstd", "gzip", "bzip2", "xz"])
def test_inflater_pieces_are_bounded(kind):
    """1 MiB of input chunks in; no piece out over decompress.OUT, however
    much one chunk stands for."""
    if kind == "zstd":
        bomb = ZSTD_ZEROS * 64                      # 4 GiB
    elif kind == "gzip":
        bomb = GZIP_ZEROS * 1024                    # 1 GiB in 1024 members
    elif kind == "bzip2":
        import bz2
        bomb = bz2.compress(bytes(64 * MiB), 9)     # ~1:1000000
    else:
        import lzma
        bomb = lzma.compress(bytes(64 * MiB))
    inf = decompress.Inflater(kind)
    total = largest = 0
    for i in range(0, len(bomb), MiB):
        for piece in inf.inflate(bomb[i:i + MiB]):
            total += len(piece)
            largest = max(largest, len(piece))
    inf.close()
    assert largest <= decompress.OUT
    assert total == {"zstd": 4 * GiB, "gzip": GiB}.get(kind, 64 * MiB)


@pytest.mark.parametrize("kind", ["zstd", "gzip", "bzip2", "xz"])
def test_inflater_roundtrip_members_and_truncation(kind):
    import bz2
    import lzma
    data = os.urandom(300_000) + bytes(3 * MiB) + b"end"
    if kind == "zstd":
        skippable = (0x184D2A51).to_bytes(4, "little") + (3).to_bytes(4, "little") + b"abc"
        c = zstandard.ZstdCompressor(write_checksum=True)
        blob = c.compress(data) + skippable + zstandard.ZstdCompressor(write_content_size=False).compress(b"+2")
    else:
        comp = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}[kind]
        blob = comp(data) + comp(b"+2")
    for step in (MiB, 4099, 1):
        if step == 1 and len(blob) > 1_000_000:
            continue
        inf = decompress.Inflater(kind)
        out = b"".join(p for i in range(0, len(blob), step) for p in inf.inflate(blob[i:i + step]))
        inf.close()
        assert out == data + b"+2"
    for cut in (len(blob) - 1, len(blob) // 2):
        inf = decompress.Inflater(kind)
        with pytest.raises(InvalidArgument, match="truncated|corrupt"):
            for p in inf.inflate(blob[:cut]):
                pass
            inf.close()


def test_tar_extended_headers_are_bounded():
    def members(data: bytes):
        with tarfile.open(fileobj=io.BytesIO(data), mode="r|", tarinfo=tarlimits.BoundedTarInfo) as tar:
            return [m.name for m in tar]
    long_name = "d/" * 200 + "file"
    ok = io.BytesIO()
    with tarfile.open(fileobj=ok, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(long_name)
        info.pax_headers = {"SCHILY.xattr.user.big": "x" * 100_000}
        tar.addfile(info, io.BytesIO(b""))
    assert members(ok.getvalue()) == [long_name]
    big = tar_header("././@PaxHeader", 2 * MiB, tarfile.XHDTYPE) + bytes(2 * MiB + 1024)
    with pytest.raises(InvalidArgument, match="extended header"):
        members(big)
    long_link = tar_header("././@LongLink", 3 * MiB, tarfile.GNUTYPE_LONGNAME) + bytes(3 * MiB + 1024)
    with pytest.raises(InvalidArgument, match="extended header"):
        members(long_link)
    # A chain of headers each under the limit shares one budget.
    one = tar_header("././@PaxHeader", MiB - 1024, tarfile.XHDTYPE) + b"\0" * (MiB - 1024)
    with pytest.raises(InvalidArgument, match="extended headers"):
        members(one * 4 + bytes(4096))


def test_build_add_of_a_bomb_archive_fills_the_disk_not_memory(small_stack, work):
    """ADD of a local tar archive extracts it: a zstd one that inflates
    to 64 GiB goes through in bounded memory until the disk is full."""
    s = small_stack
    ctx = work / "ctx"
    ctx.mkdir()
    (ctx / "bomb.tar.zst").write_bytes(zstd_bomb(tar_header("zeros", 64 * GiB), 64 * GiB))
    (ctx / "Dockerfile").write_text("FROM scratch\nADD bomb.tar.zst /\n")
    with Watch(s):
        r = s.doca("build", "-q", "-t", "bomb:add", str(ctx), check=False)
        one_line_failure(r, "no space left on device")
    assert "bomb" not in images(s)


def test_full_disk_commit_leaves_nothing(small_stack):
    """A container's 70 MiB file fits in its upper dir, not once more as
    the committed layer's blob."""
    s = small_stack
    name = "bombs-commit"
    s.doca("run", "--name", name, "busybox", "dd", "if=/dev/urandom", "of=/big", "bs=1M", "count=70")
    try:
        with Watch(s):
            r = s.doca("commit", name, "big:commit", check=False)
            one_line_failure(r, "no space left on device")
        assert "big" not in images(s)
    finally:
        s.doca("rm", "-f", name, check=False)


# -- docker cp into a container ------------------------------------------------------

def test_cp_of_a_huge_extended_header_is_refused_at_once(stack):
    """cp's helper reads the tar through common.inflate and common.tarlimits:
    an extended header of 512 MiB of zeros (512 KiB of gzip) is refused before
    it is read, where tarfile alone would read it into memory whole."""
    bomb = gzip.compress(tar_header("././@PaxHeader", 512 * MiB, tarfile.XHDTYPE), mtime=0) + GZIP_ZEROS * 512
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    try:
        t0 = time.monotonic()
        r = stack.doca("cp", "-", f"{cid}:/tmp", input=bomb, check=False)
        assert time.monotonic() - t0 < 20
        err = r.stderr.decode() if isinstance(r.stderr, bytes) else r.stderr
        assert r.returncode == 1 and err.startswith("doca: ") and err.count("\n") == 1, err
        assert "extended header" in err
        assert stack.doca("exec", cid, "ls", "-A", "/tmp").stdout in ("", b"")
    finally:
        stack.doca("rm", "-f", cid)


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz"])
def test_cp_inflates_in_bounded_pieces(kind):
    import bz2
    import lzma
    from common.inflate import Inflated
    compress = {"gzip": lambda d: gzip.compress(d, mtime=0), "bzip2": bz2.compress, "xz": lzma.compress}[kind]
    member = compress(bytes(16 * MiB))  # a few KiB (bzip2: under 100 bytes)
    stream = Inflated(io.BytesIO(member * 4))  # members one after the other
    total = 0
    while piece := stream.read(MiB):
        assert len(piece) <= MiB
        total += len(piece)
    assert total == 64 * MiB
    with pytest.raises(EOFError):
        cut = Inflated(io.BytesIO(compress(os.urandom(MiB))[:-64]))
        while cut.read(MiB):
            pass
