"""Runs a Case on both engines at once (each engine's steps in order, the two
engines in parallel threads) and compares the results: exit code, stdout
after normalisation, and whether stderr says the same thing."""
import concurrent.futures
import dataclasses
import os
import subprocess
from typing import Callable

from tests.compat import normalise
from tests.compat.case import IMAGE, Case

Runner = Callable[..., subprocess.CompletedProcess]  # runner(*argv, input=None, timeout=...)


@dataclasses.dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    setup_failed: str = ""


def run_on(runner: Runner, case: Case, names: dict[str, str]) -> Result:
    try:
        for line in case.setup:
            r = runner(*case.argv(line, names), input=case.setup_stdin, timeout=60)
            if r.returncode != 0:
                return Result(r.returncode, r.stdout, r.stderr, setup_failed=line)
        r = runner(*case.argv(case.cmd, names), input=case.stdin, timeout=60)
        return Result(r.returncode, r.stdout, r.stderr)
    finally:
        for line in case.cleanup:
            try:
                runner(*case.argv(line, names), timeout=60)
            except subprocess.TimeoutExpired:
                pass


def run_both(docker: Runner, doca: Runner, case: Case) -> tuple[Result, Result]:
    tag = os.urandom(3).hex()
    names = {"%n": f"cx{tag}", "%m": f"cy{tag}", "%v": f"vx{tag}", "%i": IMAGE}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        d = pool.submit(run_on, docker, case, names)
        o = pool.submit(run_on, doca, case, names)
        return d.result(), o.result()


def differences(case: Case, docker: Result, doca: Result) -> list[str]:
    """What differs, one line each ([] when the two agree)."""
    for name, r in (("docker", docker), ("doca", doca)):
        if r.setup_failed:
            return [f"{name}: set-up `{r.setup_failed}` exited {r.code}: {r.stderr.strip()}"]
    found = []
    if "code" not in case.ignore and docker.code != doca.code:
        found.append(f"exit code: docker {docker.code}, doca {doca.code}")
    if "stdout" not in case.ignore:
        a, b = normalise.output(docker.stdout), normalise.output(doca.stdout)
        if a != b:
            found.append(f"stdout:\n--- docker\n{a}--- doca\n{b}---")
    if "stderr" not in case.ignore:
        a, b = normalise.message(docker.stderr), normalise.message(doca.stderr)
        if bool(a) != bool(b):
            found.append(f"stderr: docker {a!r}, doca {b!r}")
        for phrase in case.says:
            missing = [n for n, s in (("docker", a), ("doca", b)) if phrase.lower() not in s]
            if missing:
                found.append(f"stderr of {'/'.join(missing)} lacks {phrase!r}: docker {a!r}, doca {b!r}")
    return found
