"""Costs of the security layer, both sides (no stack needed, root):

    .venv/bin/python bench/security.py [--runs 30]

runtime side: compiling Docker's default profile to BPF (cold, then from
the memory and the disk cache), building the init's payload;
init side: importing apply_linux, each step of apply() in a fresh forked
process (the seccomp load among them), and what a filtered syscall costs.
"""
import argparse
import marshal
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from bench.common import REPO, save, time_calls  # noqa: E402


def _us(ms_row: dict) -> str:
    return f"{ms_row['median'] * 1000:8.1f} us  [{ms_row['min'] * 1000:.1f}-{ms_row['max'] * 1000:.1f}]"


def runtime_side(runs: int) -> dict:
    from services.runtime.security import options, payload, seccomp_compile
    cfg = {"process": {"user": {"uid": 0, "gid": 0}}, "linux": {}}
    options.apply_to_config(cfg, options.parse())
    policy = cfg["linux"]["seccomp"]
    rows = {"compile (cold)": time_calls(lambda: seccomp_compile.compile_policy(policy), runs)}
    memory = seccomp_compile.Compiler()
    memory.compile(policy)
    rows["compile (memory cache)"] = time_calls(lambda: memory.compile(policy), runs)
    with tempfile.TemporaryDirectory() as d:
        seccomp_compile.Compiler(d).compile(policy)
        rows["compile (disk cache)"] = time_calls(lambda: seccomp_compile.Compiler(d).compile(policy), runs)
    rows["options.parse + apply_to_config"] = time_calls(
        lambda: options.apply_to_config({"process": {"user": {"uid": 0}}, "linux": {}}, options.parse()), runs)
    rows["payload.for_init (cached)"] = time_calls(lambda: payload.for_init(cfg, memory), runs)
    program = memory.compile(policy)
    return {"rows": rows, "instructions": program.instructions, "payload": payload.for_init(cfg, memory)}


def _child(sec: dict, w: int) -> None:
    from services.runtime.security import apply_linux
    timings: dict = {}
    apply_linux.apply(sec, {"uid": 0, "gid": 0}, timings=timings)
    t = time.perf_counter()
    for _ in range(20000):
        os.getppid()
    timings["getppid"] = (time.perf_counter() - t) / 20000
    os.write(w, marshal.dumps(timings))
    os._exit(0)


def init_side(sec: dict, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _child(sec, w)
        os.close(w)
        data = os.read(r, 65536)
        os.close(r)
        os.waitpid(pid, 0)
        samples.append(marshal.loads(data))
    steps = {k: {"median": statistics.median(s[k] for s in samples) * 1000,
                 "min": min(s[k] for s in samples) * 1000, "max": max(s[k] for s in samples) * 1000}
             for k in samples[0] if k != "getppid"}
    t = time.perf_counter()
    for _ in range(20000):
        os.getppid()
    bare = (time.perf_counter() - t) / 20000
    filtered = statistics.median(s["getppid"] for s in samples)
    imports = []
    for _ in range(min(runs, 10)):
        out = subprocess.run([sys.executable, "-E", "-S", "-X", "importtime", "-c",
                              "import ctypes, os, time; import services.runtime.security.apply_linux"],
                             cwd=REPO, capture_output=True, text=True, check=True).stderr
        imports.append(int(re.search(r"\|\s+(\d+) \| services\.runtime\.security\.apply_linux$", out, re.M).group(1)))
    return {"steps": steps, "getppid_ns": {"filtered": filtered * 1e9, "bare": bare * 1e9},
            "import_apply_linux_us": statistics.median(imports)}


def main(argv=()) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args(list(argv))
    rt = runtime_side(args.runs)
    print(f"\nruntime side (Docker's default profile, {rt['instructions']} BPF instructions)")
    for name, row in rt["rows"].items():
        print(f"  {name:<34}{_us(row)}")
    init = init_side(rt["payload"], args.runs)
    print("\ninit side, apply() steps in a fresh process (root, default options)")
    for name, row in init["steps"].items():
        print(f"  {name:<34}{_us(row)}")
    print(f"  {'import apply_linux (-X importtime)':<34}{init['import_apply_linux_us']:8.1f} us")
    g = init["getppid_ns"]
    print(f"  {'getppid, filtered / bare':<34}{g['filtered']:8.0f} ns / {g['bare']:.0f} ns")
    rt.pop("payload")
    print(f"\nsaved {save('security', {'runtime': rt, 'init': init})}")


if __name__ == "__main__":
    main(sys.argv[1:])
