"""Helpers for the images tests: build tars in memory, start the real
service. (Named test_images_* because only such files belong to the images
suite; it holds no tests itself.)"""
import io
import os
import pathlib
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")
MTIME = 1_600_000_000


def info(name, kind=tarfile.REGTYPE, mode=0o644, size=0, linkname="", uid=0, gid=0,
         mtime=MTIME, devmajor=0, devminor=0, pax=None):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.size, ti.linkname = kind, mode, size, linkname
    ti.uid, ti.gid, ti.mtime = uid, gid, mtime
    ti.devmajor, ti.devminor = devmajor, devminor
    if pax:
        ti.pax_headers = dict(pax)
    return ti


def reg(name, data=b"", **kw):
    return info(name, tarfile.REGTYPE, size=len(data), **kw), data


def dirent(name, mode=0o755, **kw):
    return info(name, tarfile.DIRTYPE, mode=mode, **kw), None


def sym(name, target, **kw):
    return info(name, tarfile.SYMTYPE, mode=0o777, linkname=target, **kw), None


def hard(name, target, **kw):
    return info(name, tarfile.LNKTYPE, linkname=target, **kw), None


def chardev(name, major, minor, mode=0o666, **kw):
    return info(name, tarfile.CHRTYPE, mode=mode, devmajor=major, devminor=minor, **kw), None


def fifo(name, mode=0o644, **kw):
    return info(name, tarfile.FIFOTYPE, mode=mode, **kw), None


def tar_bytes(members, fmt=tarfile.PAX_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for ti, data in members:
            tar.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def write_tar(path, members) -> pathlib.Path:
    path = pathlib.Path(path)
    path.write_bytes(tar_bytes(members))
    return path


def simple_rootfs():
    """A small but complete-looking root filesystem."""
    return [dirent("bin"), reg("bin/hello", b"#!/bin/sh\necho hello\n", mode=0o755),
            dirent("etc"), reg("etc/os-release", b"NAME=test\n"), sym("bin/sh", "hello"),
            dirent("tmp", mode=0o1777)]


def content_size(members) -> int:
    """What doca counts as a layer's size (as Docker does): its regular files' bytes."""
    return sum(len(data) for ti, data in members if data is not None and ti.isreg())


def tree_files(root) -> list[str]:
    """Every path below root (relative), for 'nothing left behind' checks."""
    root = pathlib.Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


class ServiceProcess:
    """The real images service in a subprocess, on a private root and socket."""

    def __init__(self, root: pathlib.Path):
        self.root = pathlib.Path(root)
        self.state = self.root / "images"
        # Unix socket paths are limited to 108 bytes: keep the run dir short.
        self.run_dir = pathlib.Path(tempfile.mkdtemp(prefix="dimg-", dir="/tmp"))
        self.socket = self.run_dir / "images.sock"
        self.log_path = self.root.parent / f"images-{os.getpid()}-{time.monotonic_ns()}.log"
        self.proc = None
        self.channel = None

    def start(self, timeout: float = 30.0):
        import grpc
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        from common.channel import connect
        from doca.images.v1 import images_pb2_grpc

        self.root.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "services.images", "--root", str(self.root), "--run-dir", str(self.run_dir)],
            cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"images service exited with {self.proc.returncode}:\n{self.logs()}")
            if self.socket.exists():
                channel = connect(self.socket)
                try:
                    resp = health_pb2_grpc.HealthStub(channel).Check(
                        health_pb2.HealthCheckRequest(service=""), timeout=2)
                    if resp.status == health_pb2.HealthCheckResponse.SERVING:
                        self.channel = channel
                        break
                except grpc.RpcError:
                    pass
                channel.close()
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"images service not serving after {timeout}s:\n{self.logs()}")
            time.sleep(0.02)
        self.startup_seconds = time.monotonic() - t0
        self.stub = images_pb2_grpc.ImagesStub(self.channel)
        return self

    def logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None

    def close(self):
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def import_chunks(data: bytes, reference: str = "", message: str = "", chunk: int = 64 * 1024):
    from doca.images.v1 import images_pb2 as pb
    yield pb.ImportChunk(header=pb.ImportChunk.Header(reference=reference, message=message))
    for i in range(0, len(data), chunk):
        yield pb.ImportChunk(data=data[i:i + chunk])
