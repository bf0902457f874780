"""Every case of tests/compat/cases on docker and on doca: the same exit
code, the same stdout (normalised), stderr saying the same thing. Cases
doca gets wrong today are strict xfails: fixing one flips it."""
import dataclasses
import json
import os

import pytest

from tests.compat.cases import ALL, UNKNOWN_IDS
from tests.compat.harness import differences, run_both


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in ALL])
def test_same_as_docker(engines, case):
    docker, doca = run_both(*engines, case)
    if os.environ.get("COMPAT_DUMP"):  # every case's two results, one JSON line each, to review by hand
        with open(os.environ["COMPAT_DUMP"], "a") as f:
            f.write(json.dumps({"id": case.id, "cmd": case.cmd, "docker": dataclasses.asdict(docker),
                                "doca": dataclasses.asdict(doca)}) + "\n")
    found = differences(case, docker, doca)
    assert not found, f"{case.cmd}\n" + "\n".join(found)


def test_case_ids_unique():
    assert not UNKNOWN_IDS, f"known.py names cases that do not exist: {UNKNOWN_IDS}"
    ids = [c.id for c in ALL]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
