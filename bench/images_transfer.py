"""Moving ~100 MB images, doca beside podman in one run: `commit` of a
container that wrote 100 MB, `save` of a 100 MB image to a file and `load`
of that file. Each figure is the whole CLI call (wall clock), median of
--runs; between runs the result is removed (rmi, rm of the file), so every
run does the full work.

    .venv/bin/python bench/images_transfer.py [--runs 5] [--no-peers]

podman runs as the peers kit sets it up (its containers.conf, runc, the
machine's store); everything this script creates there is removed after."""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench.common import DOCA, peers, podman_cmd, private_stack, report, save  # noqa: E402

MB = 1_000_000
FILES = 10  # of 10 MB each: 100 MB of incompressible data, plus busybox


def make_rootfs_tar(base: pathlib.Path) -> pathlib.Path:
    root = base / "rootfs"
    (root / "bin").mkdir(parents=True)
    shutil.copy("/bin/busybox", root / "bin" / "busybox")
    os.symlink("busybox", root / "bin" / "sh")
    (root / "data").mkdir()
    for i in range(FILES):
        (root / "data" / f"f{i}").write_bytes(os.urandom(10 * MB))
    tar = base / "big.tar"
    subprocess.run(["tar", "-C", str(root), "-cf", str(tar), "."], check=True)
    shutil.rmtree(root)
    return tar


def timed(cmd: list[str], env=None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return (time.perf_counter() - t0) * 1000


def quiet(cmd: list[str], env=None) -> None:
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summary(times: list[float]) -> dict:
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


class Engine:
    """The verbs the benchmark needs, for one engine's CLI."""

    def __init__(self, name: str, cli, env=None, image_prefix: str = ""):
        self.name, self.cli, self.env, self.p = name, cli, env, image_prefix

    def run(self, *args) -> None:
        r = subprocess.run(self.cli(*args), env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode:
            raise RuntimeError(f"{self.name} {args[0]} failed: {r.stderr.decode(errors='replace')}")

    def measure(self, tar: pathlib.Path, work: pathlib.Path, runs: int, busybox: str) -> dict:
        big, out = f"{self.p}bench/big:1", work / f"{self.name}-save.tar"
        self.run("import", str(tar), big)
        saves, loads, commits = [], [], []
        try:
            for _ in range(runs):
                out.unlink(missing_ok=True)
                saves.append(timed(self.cli("save", "-o", str(out), big), self.env))
            for _ in range(runs):
                self.run("rmi", big)
                loads.append(timed(self.cli("load", "-i", str(out)), self.env))
            self.run("run", "--name", "bench-commit", busybox, "sh", "-c",
                     f"head -c {100 * MB} /dev/urandom > /blob")
            for _ in range(runs):
                commits.append(timed(self.cli("commit", "bench-commit", f"{self.p}bench/committed:1"), self.env))
                self.run("rmi", f"{self.p}bench/committed:1")
        finally:
            quiet(self.cli("rm", "-f", "bench-commit"), self.env)
            quiet(self.cli("rmi", f"{self.p}bench/committed:1"), self.env)
            quiet(self.cli("rmi", big), self.env)
            out.unlink(missing_ok=True)
        return {f"{self.name} commit (100 MB change)": summary(commits),
                f"{self.name} save (100 MB image)": summary(saves),
                f"{self.name} load (100 MB image)": summary(loads)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh", "make-rootfs.sh", "setup-images.sh")
    work = pathlib.Path(tempfile.mkdtemp(prefix="doca-bench-transfer-", dir="/var/tmp"))
    results = {}
    try:
        tar = make_rootfs_tar(work)
        with private_stack() as stack:
            env = dict(os.environ, DOCA_HOST=stack.host)
            doca = Engine("doca", lambda *a: [DOCA, *a], env)
            results.update(doca.measure(tar, work, args.runs, "busybox"))
        if have_peers:
            podman = Engine("podman", lambda *a: podman_cmd(*a), image_prefix="localhost/")
            results.update(podman.measure(tar, work, args.runs, "peers/busybox"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for verb in ("commit (100 MB change)", "save (100 MB image)", "load (100 MB image)"):
        rows = {k: v for k, v in results.items() if k.endswith(verb)}
        report(f"{verb} (ms, median [min-max])", rows, baseline=f"podman {verb}" if have_peers else None)
    print(f"results: {save('images_transfer', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
