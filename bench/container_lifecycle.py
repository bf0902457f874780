"""Container lifecycle, side by side with podman (the kit's settings: runc,
cgroup parent /doca-peers, CONTAINERS_CONF), in one run:

1. exec: `doca exec CTR /bin/true` vs `podman exec CTR /bin/true` against a
   running container (hyperfine, medians);
2. stop: `doca stop` vs `podman stop` of a container whose init (busybox sh)
   exits on SIGTERM; each repetition starts a fresh container, waits until
   the trap is installed (SigCgt of the init), and times only the stop;
3. memory per container: 10 idle containers; Pss and RSS (smaps_rollup) of
   doca's shim (the parent of each container's init) and of any other
   per-container helper, vs podman's conmon; doca's spare shim apart, once;
4. 20 `run -d ... sleep 60` launched together (wall time until all
   returned), with --network none and with the default network; every
   container removed after each round; median of the rounds.

    .venv/bin/python bench/container_lifecycle.py [--runs 30] [--stops 10] [--rounds 3]

Everything it starts is removed in a `finally`: the private doca stack,
podman containers (labelled doca-bench.run=<tag>), their cgroups."""
import argparse
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench.common import (CGROUP_ROOT, DOCA, PEERS_CGROUP, cmdline, hyperfine, peers, podman_cmd, private_stack,  # noqa: E402
                          report, rmdir_tree, save)

BUSYBOX_PODMAN = "peers/busybox"
# busybox sh as PID 1: SIGTERM is ignored unless trapped; `exit 0` once trapped.
TRAP_CMD = ["sh", "-c", 'trap "exit 0" TERM; while :; do sleep 0.05; done']
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


# --- processes -------------------------------------------------------------

def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def ppid_of(pid: int) -> int:
    return int(_stat_fields(pid)[1])


def children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        out += kids
        todo += kids
    return out


def module_of(pid: int) -> str | None:
    """The module of a `python -m MODULE` process."""
    args = cmdline(pid)
    return args[args.index("-m") + 1] if "-m" in args[:-1] else None


def all_pids() -> set[int]:
    return {int(p) for p in os.listdir("/proc") if p.isdigit()}


HOST_PIDNS = os.readlink("/proc/self/ns/pid")


def in_host_pidns(pid: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid") == HOST_PIDNS
    except OSError:
        return False


def references(pid: int, prefix: str) -> bool:
    """The process's cwd, command line or an open file lies under prefix."""
    try:
        if any(prefix in a for a in cmdline(pid)) or os.readlink(f"/proc/{pid}/cwd").startswith(prefix):
            return True
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                    return True
            except OSError:
                pass
    except OSError:
        pass
    return False


def memory_kib(pid: int) -> dict:
    """Rss and Pss (KiB) from smaps_rollup."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                out[key] = int(rest.split()[0])
    return out


def sigterm_caught(pid: int) -> bool:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & SIGTERM_BIT)
    return False


def wait_trap(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not sigterm_caught(pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the container's init (pid {pid}) never installed its SIGTERM trap")
        time.sleep(0.005)


# --- the two engines ---------------------------------------------------------

def run(args: list[str], env: dict | None = None, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {r.returncode}\nstdout: {r.stdout.strip()}\nstderr: {r.stderr.strip()}")
    return r


class Engine:
    name = ""
    env: dict

    def __init__(self):
        self.ids: set[str] = set()  # every container started, for the cleanup

    def cmd(self, *args: str) -> list[str]:
        raise NotImplementedError

    def run_cmd(self, *args, network: str | None = "none") -> list[str]:
        raise NotImplementedError

    def start(self, *args, network: str | None = "none") -> str:
        """`run -d` (options..., [command]); returns the container's id."""
        ctr = run(self.run_cmd(*args, network=network), env=self.env).stdout.strip().splitlines()[-1]
        self.ids.add(ctr)
        return ctr

    def __call__(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return run(self.cmd(*args), env=self.env, **kw)


class Doca(Engine):
    name = "doca"

    def __init__(self, stack):
        super().__init__()
        self.stack = stack
        self.env = stack.env()

    def cmd(self, *args: str) -> list[str]:
        return [DOCA, *args]

    def run_cmd(self, *args: str, network: str | None = "none") -> list[str]:
        net = ["--network", network] if network else []
        return self.cmd("run", "-d", *net, *args[:-1], "busybox", *args[-1])

    def inspect(self, *ids: str) -> list[dict]:
        return json.loads(self("inspect", "--type", "container", *ids).stdout)

    def init_pid(self, ctr: str) -> int:
        return int(self.inspect(ctr)[0]["State"]["Pid"])

    def exit_code(self, ctr: str) -> int:
        return int(self.inspect(ctr)[0]["State"]["ExitCode"])

    def remove(self, ids: list[str]) -> None:
        if ids:
            self("rm", "-f", *ids, check=False, timeout=300)

    def remove_all(self) -> None:
        self.remove(self("ps", "-aq", "--no-trunc", check=False).stdout.split())

    def spares(self) -> list[int]:
        """Shims started ahead of need: children of the runtime service."""
        runtime = [p for p in descendants(self.stack.proc.pid) if module_of(p) == "services.runtime"]
        return [p for r in runtime for p in children(r) if module_of(p) == "services.runtime.shim"]

    def lingering(self, ids: list[str]) -> list[int]:
        """Shims of this stack still alive, the spare aside (it holds the daemon's log too)."""
        base, spares = str(self.stack.base), set(self.spares())
        return [p for p in all_pids() - spares if module_of(p) == "services.runtime.shim" and references(p, base)]


class Podman(Engine):
    name = "podman"

    def __init__(self, tag: str):
        super().__init__()
        self.label = f"doca-bench.run={tag}"
        self.env = dict(os.environ)

    def cmd(self, *args: str) -> list[str]:
        return podman_cmd(*args)

    def run_cmd(self, *args: str, network: str | None = "none") -> list[str]:
        net = ["--network", network] if network else []
        return self.cmd("run", "-d", "--label", self.label, *net, *args[:-1], BUSYBOX_PODMAN, *args[-1])

    def fmt(self, ctr: str, template: str) -> str:
        return self("inspect", "--format", template, ctr).stdout.strip()

    def init_pid(self, ctr: str) -> int:
        return int(self.fmt(ctr, "{{.State.Pid}}"))

    def exit_code(self, ctr: str) -> int:
        return int(self.fmt(ctr, "{{.State.ExitCode}}"))

    def remove(self, ids: list[str]) -> None:
        if ids:
            self("rm", "-f", "-t", "0", *ids, check=False, timeout=300)

    def mine(self) -> list[str]:
        r = self("ps", "-aq", "--no-trunc", "--filter", f"label={self.label}", check=False)
        return r.stdout.split()

    def remove_all(self) -> None:
        self.remove(self.mine())

    def lingering(self, ids: list[str]) -> list[int]:
        """Host processes naming one of these containers (conmon, `podman container cleanup`)."""
        return [p for p in all_pids() if ids and in_host_pidns(p) and any(i in a for a in cmdline(p) for i in ids)]


# --- 1. exec -----------------------------------------------------------------

def bench_exec(engines: list, runs: int) -> dict:
    names, cmds, env = [], {}, dict(os.environ)
    try:
        for e in engines:
            ctr = e.start("--name", f"bench-exec-{os.getpid()}", ["sleep", "1000"])
            names.append((e, ctr))
            # one environment for both: each engine's own settings, so that
            # one's copy of ours (a DOCA_HOST of the caller's) never wins
            env.update({k: v for k, v in e.env.items() if os.environ.get(k) != v})
            cmds[f"{e.name} exec"] = " ".join(e.cmd("exec", ctr, "/bin/true"))
        return hyperfine(cmds, runs, env=env)
    finally:
        for e, ctr in names:
            e.remove([ctr])


# --- 2. stop -------------------------------------------------------------------

def stop_once(e) -> float:
    ctr = e.start(TRAP_CMD)
    try:
        wait_trap(e.init_pid(ctr))
        t = time.perf_counter()
        r = run(e.cmd("stop", ctr), env=e.env, check=False)
        ms = (time.perf_counter() - t) * 1000
        if r.returncode != 0:
            raise RuntimeError(f"{e.name} stop exited {r.returncode}: {r.stderr.strip()}")
        code = e.exit_code(ctr)
        if code != 0:
            raise RuntimeError(f"{e.name} stop: the container exited {code}, not 0 (killed rather than trapped?)")
        return ms
    finally:
        e.remove([ctr])


def bench_stop(engines: list, reps: int) -> dict:
    times = {e.name: [] for e in engines}
    for e in engines:  # warm-up, not counted
        stop_once(e)
    for _ in range(reps):  # interleaved, so that load drifts touch both alike
        for e in engines:
            times[e.name].append(stop_once(e))
    return {f"{name} stop": {"median": statistics.median(t), "min": min(t), "max": max(t), "all": t}
            for name, t in times.items()}


# --- 3. memory -----------------------------------------------------------------

def _sum(pids: list[int]) -> dict:
    mems = [memory_kib(p) for p in pids]
    return {k: sum(m[k] for m in mems) / 1024 for k in ("Pss", "Rss")}


def memory_doca(e: Doca, count: int, settle: float) -> dict:
    base = str(e.stack.base)
    before = all_pids()
    # named, so a leftover is easy to spot; names are not what is measured here
    ids = [e.start("--name", f"bench-mem-{os.getpid()}-{i}", ["sleep", "1000"]) for i in range(count)]
    try:
        time.sleep(settle)
        inits = {int(c["State"]["Pid"]) for c in e.inspect(*ids)}
        shims = set()
        for pid in inits:
            shim = ppid_of(pid)
            # the shim is Python until the container starts, then execs the native pump
            if not any("services.runtime.shim" in a or a.endswith("/doca-pump") for a in cmdline(shim)):
                raise RuntimeError(f"parent {shim} of init {pid} is not a shim: {cmdline(shim)}")
            shims.add(shim)
        spares = e.spares()
        # anything else new, on the host's side, that belongs to this stack
        helpers = [p for p in all_pids() - before - shims - set(spares)
                   if in_host_pidns(p) and references(p, base)]
        out = {"containers": count, "shims": len(shims), "helpers": len(helpers),
               "helper_cmdlines": [" ".join(cmdline(p)) for p in helpers],
               "per_container": {k: v / count for k, v in _sum(sorted(shims) + helpers).items()},
               "spares": len(spares), "spare": _sum(spares) if spares else None}
        return out
    finally:
        e.remove(ids)


def memory_podman(e: Podman, count: int, settle: float) -> dict:
    before = all_pids()
    # named, so a leftover is easy to spot; names are not what is measured here
    ids = [e.start("--name", f"bench-mem-{os.getpid()}-{i}", ["sleep", "1000"]) for i in range(count)]
    try:
        time.sleep(settle)
        conmons = {int(e.fmt(c, "{{.State.ConmonPid}}")) for c in ids}
        helpers = [p for p in all_pids() - before - conmons
                   if in_host_pidns(p) and any(c in a for c in ids for a in cmdline(p))]
        return {"containers": count, "conmons": len(conmons), "helpers": len(helpers),
                "helper_cmdlines": [" ".join(cmdline(p)) for p in helpers],
                "per_container": {k: v / count for k, v in _sum(sorted(conmons) + helpers).items()}}
    finally:
        e.remove(ids)


# --- 4. many at once -------------------------------------------------------------

LIVE: list[subprocess.Popen] = []


def burst(e, count: int, network: str | None) -> dict:
    argv = e.run_cmd(["sleep", "60"], network=network)
    t = time.perf_counter()
    procs = [subprocess.Popen(argv, env=e.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(count)]
    LIVE.extend(procs)
    outs = [p.communicate(timeout=600) for p in procs]
    ms = (time.perf_counter() - t) * 1000
    for p in procs:
        LIVE.remove(p)
    ids = [o.strip().splitlines()[-1] for o, _ in outs if o.strip()]
    e.ids.update(ids)
    errors = [f"exit {p.returncode}: {err.strip()}" for p, (_, err) in zip(procs, outs) if p.returncode != 0]
    return {"ms": ms, "ids": ids, "errors": errors}


def settle(engines: list, ids: dict, timeout: float = 15) -> float:
    """Waits until no process of the removed containers lingers (doca's
    shims; podman's conmon and `container cleanup`), so that one engine's
    tear-down does not slow the next burst; returns the seconds waited."""
    t = time.monotonic()
    while any(e.lingering(ids.get(e.name, [])) for e in engines):
        if time.monotonic() - t > timeout:
            break
        time.sleep(0.05)
    return time.monotonic() - t


def bench_burst(engines: list, count: int, rounds: int) -> tuple[dict, list[str]]:
    times, problems = {}, []
    nets = (("none", "--network none"), (None, "default network"))
    for r in range(rounds):
        for n, (network, label) in enumerate(nets):
            # who goes first alternates, so that neither always follows the other's tear-down
            for e in (engines if (r + n) % 2 == 0 else engines[::-1]):
                res = {"ids": []}
                try:
                    res = burst(e, count, network)
                finally:
                    e.remove_all()
                    waited = settle(engines, {e.name: res["ids"]})
                if waited > 14:
                    problems.append(f"round {r + 1}, {e.name} {label}: processes still there {waited:.0f} s after rm -f")
                time.sleep(0.5)
                times.setdefault(f"{e.name} {label}", []).append(res["ms"])
                if res["errors"]:
                    problems.append(f"round {r + 1}, {e.name} {label}: {len(res['errors'])}/{count} failed: "
                                    + "; ".join(sorted(set(res["errors"])))[:2000])
    return ({name: {"median": statistics.median(t), "min": min(t), "max": max(t), "all": t}
             for name, t in sorted(times.items(), key=lambda kv: (kv[0].split(" ", 1)[1], kv[0]))}, problems)


# --- clean machine -----------------------------------------------------------------

def peers_cgroups() -> set[pathlib.Path]:
    """The hierarchies' /doca-peers directories that exist now."""
    return {h / PEERS_CGROUP for h in CGROUP_ROOT.iterdir() if (h / PEERS_CGROUP).is_dir()}


def cleanup_cgroups(peers_before: set[pathlib.Path], podman_ids: set[str], stack_parent: str | None) -> list[str]:
    """Removes only this run's cgroups: the stack's parent, libpod-<id> of its
    podman containers, /doca-peers if this run made it; returns those left.
    Other cgroups (another stack's, a peer run's) are never touched."""
    mine = []
    for hier in (h for h in CGROUP_ROOT.iterdir() if h.is_dir()):
        mine += [hier / PEERS_CGROUP / f"libpod-{cid}" for cid in podman_ids]
        if stack_parent:
            mine.append(hier / stack_parent)
        if (hier / PEERS_CGROUP) not in peers_before:
            mine.append(hier / PEERS_CGROUP)
    for path in mine:
        rmdir_tree(path)
    return [str(p) for p in mine if p.exists()]


# --- main --------------------------------------------------------------------------

def ratio_table(title: str, rows: dict, pairs: list[tuple[str, str]]) -> None:
    report(title, {k: v for k, v in rows.items()})
    for a, b in pairs:
        if a in rows and b in rows:
            print(f"  ratio {a} / {b}: {rows[a]['median'] / rows[b]['median']:.2f}x")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30, help="hyperfine runs of each exec")
    ap.add_argument("--stops", type=int, default=10, help="stops timed per engine")
    ap.add_argument("--containers", type=int, default=10, help="idle containers for the memory figures")
    ap.add_argument("--burst", type=int, default=20, help="containers started at once")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the burst")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh", "make-rootfs.sh", "setup-images.sh")

    tag = os.urandom(4).hex()
    peers_before = peers_cgroups()
    podman = Podman(tag) if have_peers else None
    stack_parent = stack_base = None
    results: dict = {"tag": tag, "loadavg_start": os.getloadavg()}
    problems: list[str] = []
    old_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally on SIGTERM too
    try:
        with private_stack() as stack:
            stack_parent, stack_base = stack.cgroup_parent, str(stack.base)
            print(f"doca: private stack in {stack.base} (cgroup parent {stack_parent}); "
                  + (f"podman: containers labelled {podman.label}" if podman else "no peers"))
            try:
                doca = Doca(stack)
                engines = [doca] + ([podman] if podman else [])
                pair = lambda what: [(f"doca {what}", f"podman {what}")]  # noqa: E731

                rows = bench_exec(engines, args.runs)
                results["exec"] = rows
                ratio_table("exec /bin/true in a running container (ms, median [min-max])", rows, pair("exec"))

                rows = bench_stop(engines, args.stops)
                results["stop"] = rows
                ratio_table(f"stop, init exits on SIGTERM (ms, median [min-max] of {args.stops})", rows, pair("stop"))

                mem = {"doca": memory_doca(doca, args.containers, settle=1.0)}
                if podman:
                    mem["podman"] = memory_podman(podman, args.containers, settle=1.0)
                results["memory"] = mem
                print(f"\nmemory per container, {args.containers} idle containers (MiB, from smaps_rollup)")
                d = mem["doca"]
                print(f"  doca shim (+{d['helpers']} other helpers)   Pss {d['per_container']['Pss']:5.2f}"
                      f"   RSS {d['per_container']['Rss']:5.2f}   ({d['shims']} shims)")
                if podman:
                    p = mem["podman"]
                    print(f"  podman conmon (+{p['helpers']} other helpers) Pss {p['per_container']['Pss']:5.2f}"
                          f"   RSS {p['per_container']['Rss']:5.2f}   ({p['conmons']} conmons)")
                    for k in ("Pss", "Rss"):
                        print(f"  ratio doca / podman, {k}: {d['per_container'][k] / p['per_container'][k]:.2f}x")
                if d["spare"]:
                    print(f"  doca spare shim, once ({d['spares']} process): Pss {d['spare']['Pss']:5.2f}"
                          f"   RSS {d['spare']['Rss']:5.2f}")
                for side in mem.values():
                    for c in side["helper_cmdlines"]:
                        problems.append(f"per-container helper counted: {c}")

                rows, burst_problems = bench_burst(engines, args.burst, args.rounds)
                problems += burst_problems
                results["burst"] = rows
                ratio_table(f"{args.burst} `run -d ... sleep 60` at once, wall time (ms, median [min-max] of {args.rounds})",
                            rows, pair("--network none") + pair("default network"))
            except BaseException:
                print(f"\ndoca daemon log (tail), before the stack is removed:\n{stack.log_text()[-3000:]}",
                      file=sys.stderr)
                raise
    finally:
        try:
            for p in list(LIVE):  # an interrupted burst: let the clients finish, then remove
                try:
                    p.wait(120)
                except subprocess.TimeoutExpired:
                    p.kill()
            leftovers = []
            if podman:
                podman.ids.update(podman.mine())
                podman.remove_all()
                leftovers += [f"podman container {c}" for c in podman.mine()]
            leftovers += [f"cgroup {c}" for c in cleanup_cgroups(peers_before, podman.ids if podman else set(), stack_parent)]
            if stack_base:
                if pathlib.Path(stack_base).exists():
                    leftovers.append(f"stack directory {stack_base}")
                leftovers += [f"process {p} ({' '.join(cmdline(p))[:100]})" for p in all_pids()
                              if p != os.getpid() and references(p, stack_base)]
            print(f"\ncleanup: {'LEFT ' + ', '.join(leftovers) if leftovers else 'no container, stack or cgroup of this run left'}")
            results["leftovers"] = leftovers
        finally:
            signal.signal(signal.SIGTERM, old_term)
    if problems:
        print("\nproblems:")
        for p in problems:
            print(f"  {p}")
    results["problems"] = problems
    results["loadavg_end"] = os.getloadavg()
    print(f"load average: {results['loadavg_start'][0]:.2f} at the start, {results['loadavg_end'][0]:.2f} at the end"
          f" ({os.cpu_count()} cores)")
    print(f"results: {save('container_lifecycle', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
