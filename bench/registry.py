"""Pull of a ~100 MB image from a local registry (Debian's docker-registry,
distribution 2.8, on 127.0.0.1), side by side in one run:

- doca pull (the whole CLI call: manifest, blobs, unpacking, the image
  recorded), into a private stack;
- skopeo copy to an OCI directory (blobs only, no unpacking);
- podman pull (blobs and unpacking into its store), as the peers kit sets
  podman up.

The image: busybox plus four layers of five 5 MB random files (100 MB that
does not compress), gzip layers as registries usually hold, pushed by
skopeo from an OCI layout. Between runs each side removes what it pulled
(rmi, rm -rf), so every run fetches and unpacks everything.

    .venv/bin/python bench/registry.py [--runs 5] [--no-peers]

Figures: median [min-max] ms of --runs, MB/s = the image's blob bytes
(10^6) per second of the median, and the ratio to doca; the 1-minute load
average before and after tells a run shared with other work."""
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

from bench.common import DOCA, peers, podman_cmd, private_stack, save  # noqa: E402
from tests.support.faulty_registry import Image  # noqa: E402
from tests.support.registry import Registry  # noqa: E402

MB = 1_000_000
LAYERS, FILES, FILE_MB = 4, 5, 5
REPO = "bench/big"


def make_image() -> Image:
    layers = [{"bin/busybox": open("/bin/busybox", "rb").read()}]
    for i in range(LAYERS):
        layers.append({f"data/l{i}/f{j}": os.urandom(FILE_MB * MB) for j in range(FILES)})
    return Image(layers, cmd=("/bin/busybox", "sh"))


def timed(cmd, env=None) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.decode(errors='replace')}")
    return (time.perf_counter() - t0) * 1000


def quiet(cmd, env=None) -> None:
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(pull, undo, runs: int) -> dict:
    undo()
    pull()  # warm-up: first connection, page cache of the registry's files
    undo()
    times = []
    for _ in range(runs):
        times.append(pull())
        undo()
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh")
    load_before = os.getloadavg()[0]  # 2 cores: other work running beside skews every figure
    work = pathlib.Path(tempfile.mkdtemp(prefix="doca-bench-registry-", dir="/var/tmp"))
    registry = Registry().start()
    ref = f"{registry.address}/{REPO}:1"
    results = {}
    try:
        img = make_image()
        size = sum(len(b) for b in img.blobs.values()) + len(img.manifest)
        img.write_oci_layout(work / "layout")
        subprocess.run(["skopeo", "copy", "--dest-tls-verify=false", f"oci:{work / 'layout'}",
                        f"docker://{ref}"], check=True, capture_output=True)
        shutil.rmtree(work / "layout")
        del img
        with private_stack() as stack:
            env = dict(os.environ, DOCA_HOST=stack.host)
            results["doca pull"] = measure(lambda: timed([DOCA, "pull", "-q", ref], env),
                                           lambda: quiet([DOCA, "rmi", ref], env), args.runs)
        out = work / "oci"
        results["skopeo copy to oci: (no unpacking)"] = measure(
            lambda: timed(["skopeo", "copy", "--src-tls-verify=false", f"docker://{ref}", f"oci:{out}:1"]),
            lambda: shutil.rmtree(out, ignore_errors=True), args.runs)
        if have_peers:
            results["podman pull"] = measure(lambda: timed(podman_cmd("pull", "--tls-verify=false", ref)),
                                             lambda: quiet(podman_cmd("rmi", "-f", ref)), args.runs)
    finally:
        registry.destroy()
        shutil.rmtree(work, ignore_errors=True)
    load = (load_before, os.getloadavg()[0])
    print(f"\npull of a {size / MB:.0f} MB image from distribution 2.8 on 127.0.0.1 "
          f"(ms, median [min-max], MB/s, ratio to doca; load average {load[0]:.2f} -> {load[1]:.2f})")
    base = results["doca pull"]["median"]
    for name, r in results.items():
        r["MB/s"] = size / MB / (r["median"] / 1000)
        print(f"  {name:<36} {r['median']:8.1f} ms  [{r['min']:.1f}-{r['max']:.1f}]  "
              f"{r['MB/s']:6.0f} MB/s  {r['median'] / base:.2f}x")
    print(f"results: {save('registry', {'image_bytes': size, 'load_average': load, **results})}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
