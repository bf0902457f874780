"""docker build, side by side: the five-step Dockerfile (FROM busybox, RUN
echo, COPY, ENV, CMD), built cold (--no-cache: every step runs) and fully
cached (a rebuild with nothing changed), by doca, podman (buildah inside),
docker's classic builder and docker BuildKit. Each figure is the whole CLI
call (hyperfine medians); ratios are doca / peer.

    .venv/bin/python bench/build.py [--runs 15] [--no-peers] [--network none|default]

Every engine builds with `--network none` by default (RUN steps without a
network: the same work everywhere, and the cheapest for each); give
`--network default` to time every engine with its default network (doca's
bridge, podman's netavark, docker's docker0).

The peers come from the peers kit: podman with the kit's containers.conf
and `--cgroup-parent /doca-peers/build` (as its podman.sh builds), the
kit's private dockerd (started here if it is not running, and stopped
again after). Every image this run builds is labelled and removed after,
with the peers' build caches (docker's builder cache of the kit's daemon).
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench.common import DOCA, PEERS_DIR, PEERS_KIT, hyperfine, peers, private_stack, report, save  # noqa: E402

DOCKERFILE = """FROM {base}
RUN echo building
COPY app.txt /app/
ENV GREETING=hello
CMD ["cat", "/app/app.txt"]
"""
DOCKER_SOCK = "/run/doca-peers-docker.sock"
TAG = "doca-bench-build"


def context(base_dir: pathlib.Path, name: str, base: str) -> pathlib.Path:
    d = base_dir / name
    d.mkdir()
    (d / "Dockerfile").write_text(DOCKERFILE.format(base=base))
    (d / "app.txt").write_text("hello from the build context\n")
    return d


def _run(cmd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


class Peers:
    """podman and the kit's dockerd, as the build commands need them."""

    def __init__(self, network: str, label: str):
        self.network = network
        self.label = label
        self.started_dockerd = False
        conf = PEERS_DIR / "containers.conf"
        self.podman = ["env", f"CONTAINERS_CONF={conf}", "podman"]
        self.docker = ["/usr/bin/docker", "-H", f"unix://{DOCKER_SOCK}"]

    def start(self) -> None:
        if not os.path.exists(DOCKER_SOCK):
            subprocess.run([str(PEERS_KIT / "start-dockerd.sh")], check=True, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, PEERS_DIR=str(PEERS_DIR)))
            self.started_dockerd = True
        peers("setup-images.sh")  # peers/busybox:latest in podman and in the kit's dockerd

    def commands(self, ctx_podman: pathlib.Path, ctx_docker: pathlib.Path, cold: bool) -> dict[str, str]:
        net = ["--network", "none"] if self.network == "none" else []
        nocache = ["--no-cache"] if cold else []
        common = [*nocache, *net, "--label", self.label, "-t", f"{TAG}:latest"]
        podman = [*self.podman, "build", "--cgroup-parent", "/doca-peers/build", "-q", *common, str(ctx_podman)]
        classic = ["env", "DOCKER_BUILDKIT=0", *self.docker, "build", "-q", *common, str(ctx_docker)]
        buildkit = ["env", "DOCKER_BUILDKIT=1", *self.docker, "build", "-q", *common, str(ctx_docker)]
        return {"podman build": " ".join(podman), "docker build (classic)": " ".join(classic),
                "docker build (BuildKit)": " ".join(buildkit)}

    def clean(self) -> None:
        for cli in (self.podman, self.docker):
            _run([*cli, "rmi", "-f", f"{TAG}:latest"])
            _run([*cli, "image", "prune", "-f", "--filter", f"label={self.label}"])
        _run([*self.docker, "builder", "prune", "-af"])
        _run(["env", "DOCKER_BUILDKIT=1", *self.docker, "builder", "prune", "-af"])

    def stop(self) -> None:
        self.clean()
        if self.started_dockerd:
            subprocess.run([str(PEERS_KIT / "stop-dockerd.sh")], stdout=subprocess.DEVNULL,
                           env=dict(os.environ, PEERS_DIR=str(PEERS_DIR)))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--network", choices=("none", "default"), default="none")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh", "make-rootfs.sh")
    base = pathlib.Path(tempfile.mkdtemp(prefix="doca-bench-build-"))
    pe = Peers(args.network, f"doca-bench={os.getpid()}") if have_peers else None
    results: dict[str, dict] = {}
    try:
        ctx_doca = context(base, "doca", "busybox")
        ctx_podman = context(base, "podman", "localhost/peers/busybox:latest")
        ctx_docker = context(base, "docker", "peers/busybox:latest")
        if pe is not None:
            pe.start()
        with private_stack() as stack:
            env = dict(os.environ, DOCA_HOST=stack.host)
            for cold in (True, False):
                what = "cold" if cold else "cached"
                cmds = {"doca build": f"{DOCA} build {'--no-cache ' if cold else ''}--network {args.network} "
                                      f"-q -t {TAG} {ctx_doca}"}
                if pe is not None:
                    cmds.update(pe.commands(ctx_podman, ctx_docker, cold))
                timed = hyperfine(cmds, args.runs, env=env, warmup=2)
                results.update({f"{name} ({what})": r for name, r in timed.items()})
                report(f"build, {what} (ms, median [min-max])", timed, baseline="doca build")
                if pe is not None:
                    d = timed["doca build"]["median"]
                    for name in cmds:
                        if name != "doca build":
                            print(f"  doca / {name}: {d / timed[name]['median']:.2f}")
    finally:
        if pe is not None:
            pe.stop()
        shutil.rmtree(base, ignore_errors=True)
    print(f"results: {save('build', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
