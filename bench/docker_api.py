"""The Docker Engine API face beside dockerd, in one run: the same docker
CLI (docker 28's where the machine has it) against doca's docker.sock and
against the peers kit's dockerd 20.10 — `docker run --rm busybox true` and a
docker-compose 1.29.2 `up -d` / `down` of a two-service application (a user
network, a named volume, a published port on 127.0.0.1). Ratio doca / dockerd;
the goal is at most 0.5."""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench.common import REPO, hyperfine, peers, private_stack, report, save

DOCKER = next((p for p in ("/usr/local/bin/docker", "/usr/bin/docker") if os.path.exists(p)), "docker")
PEERS_SOCK = "unix:///run/doca-peers-docker.sock"
COMPOSE = REPO / ".venv-compose" / "bin" / "docker-compose"
APP = """\
version: "3.8"
services:
  web:
    image: {image}
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    volumes: [site:/www]
    ports: ["127.0.0.1::80"]
    networks: [back]
  probe:
    image: {image}
    command: ["sleep", "600"]
    depends_on: [web]
    networks: [back]
volumes:
  site: {{}}
networks:
  back: {{}}
"""


def compose_cycle(host: str, image: str, runs: int) -> dict[str, dict]:
    """Medians of `up -d` and of `down -v`, alternating, each cycle a fresh project."""
    app = pathlib.Path(tempfile.mkdtemp(prefix="doca-bench-compose-"))
    (app / "docker-compose.yml").write_text(APP.format(image=image))
    env = dict(os.environ, DOCKER_HOST=host, COMPOSE_PROJECT_NAME="benchapp")
    ups, downs = [], []
    try:
        for _ in range(runs):
            # -t 0: the services (sleep, httpd as PID 1) ignore SIGTERM; both engines would wait 10 s each
            for verb, times in ((["up", "-d"], ups), (["down", "-v", "-t", "0"], downs)):
                t = time.perf_counter()
                subprocess.run([str(COMPOSE), "--no-ansi", *verb], cwd=app, env=env, check=True,
                               capture_output=True, timeout=120)
                times.append((time.perf_counter() - t) * 1000)
    finally:
        shutil.rmtree(app, ignore_errors=True)
    def row(t):
        return {"median": statistics.median(t), "min": min(t), "max": max(t)}
    return {"up -d": row(ups), "down -v": row(downs)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--compose-runs", type=int, default=5)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh", "start-dockerd.sh", "setup-images.sh")
    results = {}
    with private_stack() as stack:
        cmds = {"docker run (doca's docker.sock)":
                f"{DOCKER} -H {stack.docker_host} run --rm --network none busybox true"}
        if have_peers:
            cmds["docker run (dockerd)"] = f"{DOCKER} -H {PEERS_SOCK} run --rm --network none peers/busybox true"
        results.update(hyperfine(cmds, args.runs))
        report("docker run --rm (ms, median [min-max])", results,
               baseline="docker run (dockerd)" if have_peers else None)
        if COMPOSE.exists():
            compose = {f"compose {k} (doca)": v for k, v in
                       compose_cycle(stack.docker_host, "busybox:latest", args.compose_runs).items()}
            if have_peers:
                compose.update({f"compose {k} (dockerd)": v for k, v in
                                compose_cycle(PEERS_SOCK, "peers/busybox:latest", args.compose_runs).items()})
            for verb in ("up -d", "down -v"):
                rows = {k: v for k, v in compose.items() if verb in k}
                report(f"docker-compose {verb} (ms)", rows,
                       baseline=f"compose {verb} (dockerd)" if have_peers else None)
            results.update(compose)
    print(f"results: {save('docker_api', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
