"""Shared by the benchmarks: a private doca stack, the peers kit, hyperfine."""
import atexit
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.stack import DOCA, Stack  # noqa: E402, F401  (the suite's stack helper; DOCA re-exported)

PEERS_KIT = pathlib.Path(os.environ.get("PEERS_KIT", REPO.parent / "shared" / "peers")).resolve()
PEERS_DIR = pathlib.Path(os.environ.get("PEERS_DIR", "/var/tmp/doca-peers"))
RESULTS = REPO / "bench" / "results"


CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup")
PEERS_CGROUP = "doca-peers"  # the kit's cgroup parent (peers/common.sh), in every hierarchy


def rmdir_tree(path: pathlib.Path) -> None:
    """rmdir path and its sub-directories, deepest first; busy cgroups stay."""
    if not path.is_dir():
        return
    for d in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)) + [path]:
        try:
            d.rmdir()
        except OSError:
            pass


def remove_empty_peer_cgroups() -> None:
    """The peers (podman's conmon, runc, crun, dockerd) make /doca-peers and
    leave it when their containers are gone: once a bench ends, its empty
    directories go (rmdir only: a peer run still going keeps its own)."""
    for hier in CGROUP_ROOT.iterdir():
        rmdir_tree(hier / PEERS_CGROUP)


atexit.register(remove_empty_peer_cgroups)


def peers(*scripts: str) -> bool:
    """Runs kit scripts (install.sh, make-rootfs.sh...); False when the kit is absent."""
    if not PEERS_KIT.is_dir():
        print(f"peers kit not found at {PEERS_KIT}: peers skipped (set PEERS_KIT)")
        return False
    env = dict(os.environ, PEERS_DIR=str(PEERS_DIR))
    for script in scripts:
        subprocess.run([str(PEERS_KIT / script)], check=True, env=env, stdout=subprocess.DEVNULL)
    return True


def podman_cmd(*args: str) -> list[str]:
    """podman as the kit runs it, without the wrapper's bash (3.5 ms a call)."""
    conf = PEERS_DIR / "containers.conf"
    runtime = ["--runtime", "runc", "--cgroup-parent", "/doca-peers"] if args[0] in ("run", "create") else []
    return ["env", f"CONTAINERS_CONF={conf}", "podman", args[0], *runtime, *args[1:]]


class private_stack:
    def __enter__(self) -> Stack:
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="doca-bench-"))
        self.stack = Stack(self.base, "bench").start()
        return self.stack

    def __exit__(self, *exc):
        self.stack.destroy()
        shutil.rmtree(self.base, ignore_errors=True)


def hyperfine(commands: dict[str, str], runs: int, env: dict | None = None, warmup: int = 3) -> dict[str, dict]:
    """name -> {median, min, max} in ms, timed by hyperfine in one run."""
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
    args = ["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", out.name]
    for name, cmd in commands.items():
        args += ["-n", name, cmd]
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
    data = json.load(open(out.name))
    os.unlink(out.name)
    return {r["command"]: {"median": r["median"] * 1000, "min": r["min"] * 1000, "max": r["max"] * 1000}
            for r in data["results"]}


def time_calls(fn, runs: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def report(title: str, rows: dict[str, dict], baseline: str | None = None) -> None:
    print(f"\n{title}")
    width = max(len(n) for n in rows) + 2
    for name, r in rows.items():
        ratio = f"  {r['median'] / rows[baseline]['median']:.2f}x {baseline}" if baseline and baseline in rows and name != baseline else ""
        print(f"  {name:<{width}} {r['median']:8.1f} ms  [{r['min']:.1f}-{r['max']:.1f}]{ratio}")


def save(name: str, data: dict) -> pathlib.Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=1))
    return path


def cmdline(pid: int) -> list[str]:
    """A process's arguments; [] once it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []
