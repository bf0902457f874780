"""Figures for the images service: seeding the built-in image, service start,
and layer unpacking speed (doca's unpacker against tarfile.extractall, the
reference) on a ~100 MB rootfs-like tar.

    .venv/bin/python bench/images_store.py"""
import os
import pathlib
import random
import shutil
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from services.images import builtin  # noqa: E402
from services.images.layers import LayerStore  # noqa: E402
from services.images.service import ImageService  # noqa: E402
from services.images.unpack import split_name, unpack  # noqa: E402
from tests.support.tarkit import ServiceProcess  # noqa: E402

TARGET_BYTES = 100 * 1024 * 1024
DIGEST = "sha256:" + "ab" * 32  # a name for the layer; its content is not checked here


def report(line: str) -> None:
    print(f"[images] {line}", flush=True)


def rootfs_like_tar(path: pathlib.Path) -> tuple[int, int]:
    """A tar shaped like a distribution's /usr: thousands of small files, a
    few big ones, directories and symlinks. Returns (bytes, entries)."""
    rng = random.Random(42)
    blob = os.urandom(8 * 1024 * 1024)
    total, entries = 0, 0
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        d = 0
        while total < TARGET_BYTES:
            dname = f"usr/lib/pkg{d:04d}"
            ti = tarfile.TarInfo(dname)
            ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, 1_600_000_000
            tar.addfile(ti)
            entries += 1
            for f in range(20):
                size = rng.choice([200, 800, 1500, 4000, 8000, 16000, 30000]) if f else rng.randint(0, 600_000)
                ti = tarfile.TarInfo(f"{dname}/file{f:02d}")
                ti.size, ti.mode, ti.mtime = size, 0o644, 1_600_000_000
                start = rng.randint(0, len(blob) - size)
                tar.addfile(ti, _Reader(blob, start, size))
                total += size
                entries += 1
            link = tarfile.TarInfo(f"{dname}/link")
            link.type, link.linkname = tarfile.SYMTYPE, "file01"
            tar.addfile(link)
            entries += 1
            d += 1
    return path.stat().st_size, entries


class _Reader:
    def __init__(self, blob, start, size):
        self.view = memoryview(blob)[start:start + size]
        self.pos = 0

    def read(self, n=-1):
        n = len(self.view) - self.pos if n < 0 else n
        out = self.view[self.pos:self.pos + n]
        self.pos += len(out)
        return bytes(out)


def extract_with_tarfile(tar_path, dest):
    def check(member, _path):
        split_name(member.name)  # the same name checks, for a like-for-like figure
        return member
    with tarfile.open(tar_path) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter=check, numeric_owner=True)
        else:  # no extraction filters before Python 3.11.4 (Debian's 3.11.2): the same checks first
            for member in tar.getmembers():
                check(member, dest)
            tar.extractall(dest, numeric_owner=True)


def best_rate(method, tar_path, workdir: pathlib.Path, size: int, runs: int) -> float:
    best = 0.0
    for i in range(runs):
        dest = workdir / f"out-{method.__name__}-{i}"
        dest.mkdir()
        t0 = time.perf_counter()
        method(tar_path, dest)
        best = max(best, size / (time.perf_counter() - t0) / 1e6)
        shutil.rmtree(dest)
    return best


def unpack_speed(tmp_path: pathlib.Path) -> None:
    places = [("disk", tmp_path)]
    shm = None
    if os.path.isdir("/dev/shm") and shutil.disk_usage("/dev/shm").free > 4 * TARGET_BYTES:
        shm = pathlib.Path(tempfile.mkdtemp(prefix="doca-images-perf-", dir="/dev/shm"))
        places.append(("memory (tmpfs)", shm))
    try:
        for label, where in places:
            tar_path = where / "rootfs.tar"
            size, entries = rootfs_like_tar(tar_path)
            runs = 1 if label == "disk" else 2  # the disk is slow: once is enough for a figure
            ours = best_rate(unpack, tar_path, where, size, runs)
            theirs = best_rate(extract_with_tarfile, tar_path, where, size, runs)
            report(f"unpack {size / 1e6:.0f} MB, {entries} entries, on {label}: "
                           f"doca unpacker {ours:.0f} MB/s, tarfile.extractall {theirs:.0f} MB/s")
            if label == "disk":  # what a pull will see: unpack, then syncfs before the rename
                store = LayerStore(where / "layers", where / "tmp")
                t0 = time.perf_counter()
                store.ensure(DIGEST, DIGEST, None, tar_path)
                durable = size / (time.perf_counter() - t0) / 1e6
                report(f"layer store (unpack + syncfs + rename) on disk: {durable:.0f} MB/s")
            tar_path.unlink()
    finally:
        if shm is not None:
            shutil.rmtree(shm, ignore_errors=True)


def seeding(tmp_path: pathlib.Path) -> None:
    times = []
    for i in range(5):
        svc = ImageService(tmp_path / f"s{i}" / "images")
        t0 = time.perf_counter()
        assert builtin.seed(svc)
        times.append((time.perf_counter() - t0) * 1000)
    report(f"seed busybox:latest: best {min(times):.1f} ms, median {sorted(times)[2]:.1f} ms")


def service_start(tmp_path: pathlib.Path) -> None:
    svc = ServiceProcess(tmp_path / "root")
    try:
        svc.start()
        fresh = svc.startup_seconds
        svc.stop()
        svc.start()
        again = svc.startup_seconds
    finally:
        svc.close()
    report(f"service start to SERVING: fresh store (with seeding) {fresh * 1000:.0f} ms, "
                   f"restart {again * 1000:.0f} ms")


def main() -> None:
    base = pathlib.Path(tempfile.mkdtemp(prefix="doca-bench-images-"))
    try:
        for i, step in enumerate((seeding, service_start, unpack_speed)):
            where = base / str(i)
            where.mkdir()
            step(where)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
