"""Two trees of doca side by side in one run: this one ("after") and another
checkout ("before", e.g. `git worktree add /tmp/before <commit>` then `make
venv` there), each with its own bench scripts and the same peer (podman), in
alternating rounds so that the machine's load falls on both alike.

    .venv/bin/python bench/before_after.py --before /tmp/before [--rounds 3]

Each round runs, in each tree: container_start.py (start with and without a
network) and container_lifecycle.py (exec, stop, memory per container, 20
at once). Per figure it prints the median over rounds of doca's time as a
ratio of podman's in the same run, before and after, and after/before of
the ratios: what a renovation must keep within 10%."""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench.common import PEERS_KIT, REPO, save  # noqa: E402

# figure -> (script's result name, path to doca's value, path to podman's)
FIGURES = {
    "start --network none": ("container_start", ("doca run --network none", "median"),
                             ("podman run --network none", "median")),
    "start bridge": ("container_start", ("doca run (bridge)", "median"), ("podman run (bridge)", "median")),
    "exec": ("container_lifecycle", ("exec", "doca exec", "median"), ("exec", "podman exec", "median")),
    "stop": ("container_lifecycle", ("stop", "doca stop", "median"), ("stop", "podman stop", "median")),
    "Pss per container": ("container_lifecycle", ("memory", "doca", "per_container", "Pss"),
                          ("memory", "podman", "per_container", "Pss")),
    "20 at once --network none": ("container_lifecycle", ("burst", "doca --network none", "median"),
                                  ("burst", "podman --network none", "median")),
    "20 at once default network": ("container_lifecycle", ("burst", "doca default network", "median"),
                                   ("burst", "podman default network", "median")),
}
SCRIPTS = {
    "container_start": lambda a: ["bench/container_start.py", "--runs", str(a.runs)],
    "container_lifecycle": lambda a: ["bench/container_lifecycle.py", "--runs", str(a.runs), "--stops", str(a.stops),
                                      "--rounds", "1"],
}


def _dig(data: dict, path: tuple):
    for key in path:
        data = data[key]
    return data


def _run(tree: pathlib.Path, script: str, args) -> dict:
    """Runs one tree's script with that tree's environment; its saved result."""
    results = tree / "bench" / "results"
    before = set(results.glob(f"{script}-*.json")) if results.exists() else set()
    # The peers' kit is this tree's: the other checkout may lie elsewhere.
    subprocess.run([str(tree / ".venv" / "bin" / "python"), *SCRIPTS[script](args)], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PEERS_KIT": str(PEERS_KIT)})
    made = sorted(set(results.glob(f"{script}-*.json")) - before)
    if not made:
        raise SystemExit(f"{tree}: {script} saved no result")
    return json.loads(made[-1].read_text())


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, type=pathlib.Path, help="the other checkout, with its .venv made")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--stops", type=int, default=5)
    args = ap.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": REPO}
    ratios = {side: {f: [] for f in FIGURES} for side in trees}
    values = {side: {f: [] for f in FIGURES} for side in trees}
    for r in range(args.rounds):
        order = list(trees) if r % 2 == 0 else list(reversed(trees))
        for side in order:
            for script in SCRIPTS:
                data = _run(trees[side], script, args)
                for fig, (name, doca, peer) in FIGURES.items():
                    if name == script:
                        values[side][fig].append(_dig(data, doca))
                        ratios[side][fig].append(_dig(data, doca) / _dig(data, peer))
            print(f"round {r + 1}/{args.rounds}: {side} done", flush=True)
    print(f"\n{'figure':<28} {'before':>16} {'after':>16} {'after/before':>13}")
    summary = {}
    for fig in FIGURES:
        b, a = (statistics.median(ratios[s][fig]) for s in ("before", "after"))
        bv, av = (statistics.median(values[s][fig]) for s in ("before", "after"))
        summary[fig] = {"before_ratio": b, "after_ratio": a, "before": bv, "after": av}
        print(f"{fig:<28} {bv:7.2f} ({b:.2f}x) {av:7.2f} ({a:.2f}x) {a / b:12.2f}")
    print("(ms, or MiB for Pss; in brackets doca/podman in the same run; medians over rounds)")
    save("before_after", {"before": str(trees["before"]), "ratios": ratios, "values": values, "summary": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
