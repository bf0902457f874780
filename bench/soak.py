"""Soak: memory and descriptors of each long-running process of the stack
over hundreds of containers. Growth per container after the warm-up should
be zero. The warm-up must fill what is bounded but kept: the event rings
(common/eventring.py, 1024 events, ~700 bytes each) of the runtime (~4
events per `run --rm`: full after ~256 containers) and of the gateway (its
own events: network connect and disconnect, full after ~512), hence the
default of 600; the allocator keeps some arenas besides.

    .venv/bin/python bench/soak.py [--containers 500] [--warmup 600] [--every 100] [--mix] [--trace]

A private stack (bench.common.private_stack: own root, run dir, bridge,
subnet, cgroup parent); `--warmup` containers, then `--containers` more, one
at a time, each `doca run --rm busybox true`; with --mix they take turns
with `run -d ... sleep 60` + `stats --no-stream`, `inspect`, `logs`, a
scrape of the gateway's /metrics, `rm -f`; `run --rm -p 127.0.0.1::80`,
`run --rm -v /data` (anonymous volume) and `run --rm -v soak:/data` (named
volume), `run --rm --network none`. After the warm-up and after every
`--every` containers it prints, for each process (runtime, images, network,
volumes, gateway, the CLI's fork server), VmRSS (/proc/PID/status), Pss
(smaps_rollup) and its open descriptors, and at the end the growth per
container after the warm-up: (last - first) / containers, and the slope of
a least-squares line through the samples, in bytes.

--trace starts the stack with DOCA_MEMDEBUG (common/memdebug.py): the gRPC
servers trace their allocations, dump a tracemalloc snapshot and live
object counts when asked (a request file) after the warm-up and at the end, and the script
prints what grew (by source line, and by type). Tracing slows the services
and adds its own memory: the RSS figures of a --trace run are not the ones
to quote.

Everything it starts is removed in a `finally`: the stack (its containers,
volumes, processes, files) and the stack's cgroup parent directories."""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench.common import CGROUP_ROOT, DOCA, Stack, cmdline, rmdir_tree, save  # noqa: E402

# name -> the module its `python -m` runs
PROCESSES = {
    "runtime": "services.runtime",
    "images": "services.images",
    "network": "services.network",
    "volumes": "services.volumes",
    "gateway": "gateway",
    "forkserver": "gateway.cli.launch.forkserver",
}
SERVERS = ("runtime", "images", "network", "volumes", "gateway")  # the ones with common/memdebug.py


# --- processes -------------------------------------------------------------

def find_processes(stack: Stack) -> dict[str, int]:
    """name -> pid: the `python -m MODULE ... --root ROOT` processes of this stack."""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        args = cmdline(int(p))
        if "-m" not in args[:-1] or str(stack.root) not in args:
            continue
        module = args[args.index("-m") + 1]
        for name, mod in PROCESSES.items():
            if module == mod:
                out[name] = int(p)
    return out


def sample(pid: int) -> dict:
    """rss, pss (bytes), fds of one process."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1]) * 1024
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                out["pss"] = int(line.split()[1]) * 1024
    out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return out


# --- the workload --------------------------------------------------------

def doca(stack: Stack, *args: str) -> str:
    r = subprocess.run([DOCA, *args], env=stack.env(), capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"doca {' '.join(args)} exited {r.returncode}\n{r.stdout}{r.stderr}\n"
                           f"daemon log:\n{stack.log_text()[-3000:]}")
    return r.stdout


def kinds(mix: bool) -> list:
    plain = lambda s: doca(s, "run", "--rm", "busybox", "true")  # noqa: E731
    if not mix:
        return [plain]

    def detached(s):
        ctr = doca(s, "run", "-d", "busybox", "sleep", "60").split()[-1]
        doca(s, "stats", "--no-stream", ctr)
        doca(s, "inspect", ctr)
        doca(s, "logs", ctr)
        with urllib.request.urlopen(f"http://{s.metrics_addr}/metrics", timeout=30) as r:
            r.read()  # the container collectors sample every running container
        doca(s, "rm", "-f", ctr)
    return [
        plain,
        detached,
        lambda s: doca(s, "run", "--rm", "-p", "127.0.0.1::80", "busybox", "true"),
        lambda s: doca(s, "run", "--rm", "-v", "/data", "busybox", "true"),
        lambda s: doca(s, "run", "--rm", "-v", "soak:/data", "busybox", "true"),
        lambda s: doca(s, "run", "--rm", "--network", "none", "busybox", "true"),
    ]


# --- tracing -------------------------------------------------------------

def dump(procs: dict[str, int], directory: pathlib.Path, n: int, timeout: float = 300) -> dict[str, pathlib.Path]:
    """Asks each server for a dump; name -> the stem of its n-th dump once written."""
    stems = {}
    for name in SERVERS:
        if name in procs:
            stem = f"{'doca' if name == 'gateway' else name}-{procs[name]}"
            (directory / f"{stem}.request").touch()
            stems[name] = directory / f"{stem}-{n}"
    deadline = time.monotonic() + timeout
    while not all(pathlib.Path(f"{s}.json").exists() for s in stems.values()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"memdebug dumps not written in {timeout}s")
        time.sleep(0.2)
    return stems


def compare(before: dict, after: dict, containers: int, top: int = 12) -> None:
    import tracemalloc
    repo = str(pathlib.Path(__file__).resolve().parents[1])
    for name in before:
        a = json.loads(pathlib.Path(f"{before[name]}.json").read_text())
        b = json.loads(pathlib.Path(f"{after[name]}.json").read_text())
        grown = b["traced"] - a["traced"]
        print(f"\n{name}: traced memory {a['traced']} -> {b['traced']} bytes "
              f"({grown / containers:+.0f} per container)")
        types = sorted(((b["types"].get(t, 0) - a["types"].get(t, 0), t) for t in set(a["types"]) | set(b["types"])),
                       reverse=True)
        rows = [f"{d:+d} {t}" for d, t in types[:top] if d > 0]
        print("  live objects (gc) grown: " + (", ".join(rows) if rows else "none"))
        s1 = tracemalloc.Snapshot.load(f"{before[name]}.snap")
        s2 = tracemalloc.Snapshot.load(f"{after[name]}.snap")
        ignore = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
        s1, s2 = s1.filter_traces(ignore), s2.filter_traces(ignore)
        stats = [st for st in s2.compare_to(s1, "traceback") if st.size_diff > 0][:top]
        for st in stats[:top]:
            # where it was allocated, then the most recent frames of doca's own code
            site = st.traceback[-1]
            ours = [f for f in st.traceback if f.filename.startswith(repo) and "/.venv/" not in f.filename]
            frames = ([site] if site not in ours[-1:] else []) + list(reversed(ours[-4:]))
            where = " <- ".join(f"{os.path.relpath(f.filename, repo)}:{f.lineno}" for f in frames)
            print(f"  {st.size_diff:+9d} B {st.count_diff:+6d} blocks  {where}")


# --- main ----------------------------------------------------------------

def least_squares(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--containers", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=600)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--mix", action="store_true", help="-d + rm -f, -p, -v, --network none besides run --rm")
    ap.add_argument("--trace", action="store_true", help="tracemalloc in the servers (common/memdebug.py)")
    args = ap.parse_args(argv)

    base = pathlib.Path(tempfile.mkdtemp(prefix="doca-soak-"))
    trace_dir = base / "memdebug"
    stack = Stack(base, "soak", daemon_env={"DOCA_MEMDEBUG": str(trace_dir)} if args.trace else None)
    work = kinds(args.mix)
    samples: dict[str, list[tuple[int, dict]]] = {}
    results: dict = {"args": vars(args)}
    try:
        stack.start()
        procs = find_processes(stack)
        missing = [n for n in PROCESSES if n not in procs and n != "forkserver"]
        if missing:
            raise RuntimeError(f"processes not found: {', '.join(missing)}")
        print(f"stack in {base}; " + ", ".join(f"{n} {p}" for n, p in procs.items()), flush=True)

        def record(done: int) -> None:
            line = [f"{done:5d} containers"]
            for name, pid in procs.items():
                s = sample(pid)
                samples.setdefault(name, []).append((done, s))
                line.append(f"{name} {s['rss'] / 2**20:.1f}/{s['pss'] / 2**20:.1f} MiB {s['fds']} fd")
            print("  ".join(line), flush=True)

        started = time.monotonic()
        for i in range(args.warmup):
            work[i % len(work)](stack)
        print(f"warm-up: {args.warmup} containers in {time.monotonic() - started:.0f}s "
              f"(per process: VmRSS/Pss, open descriptors)")
        time.sleep(1)  # the last container's removal settles
        before = dump(procs, trace_dir, 1) if args.trace else None
        record(0)
        started = time.monotonic()
        for i in range(args.containers):
            work[(args.warmup + i) % len(work)](stack)
            if (i + 1) % args.every == 0 or i + 1 == args.containers:
                time.sleep(1)
                record(i + 1)
        elapsed = time.monotonic() - started
        after = dump(procs, trace_dir, 2) if args.trace else None
        left = doca(stack, "ps", "-aq").split()

        print(f"\n{args.containers} containers after a warm-up of {args.warmup} in {elapsed:.0f}s "
              f"({'mix' if args.mix else 'run --rm busybox true'}); {len(left)} left in ps -a")
        print("growth per container after the warm-up, bytes: (last - first) / N and the least-squares slope")
        for name, rows in samples.items():
            xs = [d for d, _ in rows]
            first, last = rows[0][1], rows[-1][1]
            per = {k: (last[k] - first[k]) / args.containers for k in ("rss", "pss", "fds")}
            slope = {k: least_squares(xs, [s[k] for _, s in rows]) for k in ("rss", "pss", "fds")}
            results[name] = {"samples": rows, "per_container": per, "slope": slope}
            print(f"  {name:<10} RSS {per['rss']:+8.0f} (slope {slope['rss']:+8.0f})  "
                  f"Pss {per['pss']:+8.0f} (slope {slope['pss']:+8.0f})  fds {per['fds']:+.3f}")
        if args.trace:
            compare(before, after, args.containers)
    finally:
        try:
            stack.destroy()
        finally:
            for hier in CGROUP_ROOT.iterdir():
                rmdir_tree(hier / stack.cgroup_parent)
            shutil.rmtree(base, ignore_errors=True)
    print(f"results: {save('soak', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
