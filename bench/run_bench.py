"""All benchmarks, or some: `make bench`, or

    .venv/bin/python bench/run_bench.py [--only start,lifecycle,...] [--runs N] [--no-peers]

--runs and --no-peers go to every script that takes them; each script's own
default holds otherwise."""
import argparse
import importlib
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

# name -> (module, takes --runs, takes --no-peers)
BENCHES = {
    "start": ("container_start", True, True),
    "lifecycle": ("container_lifecycle", True, True),
    "store": ("images_store", False, False),
    "transfer": ("images_transfer", True, True),
    "build": ("build", True, True),
    "registry": ("registry", True, True),
    "security": ("security", True, False),
    "docker": ("docker_api", True, True),
}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(BENCHES), help="comma-separated: " + ", ".join(BENCHES))
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in BENCHES]
    if unknown:
        ap.error(f"unknown bench {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    for name in chosen:
        module, runs, peers = BENCHES[name]
        passed = []
        if runs and args.runs is not None:
            passed += ["--runs", str(args.runs)]
        if peers and args.no_peers:
            passed.append("--no-peers")
        print(f"\n=== {name} (bench/{module}.py {' '.join(passed)}) ===", flush=True)
        main_of = importlib.import_module(f"bench.{module}").main
        main_of(passed) if (runs or peers) else main_of()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
