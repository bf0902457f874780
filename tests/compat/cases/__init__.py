"""The differential cases, one module per verb group; ALL is every case of
them, with the known differences of tests/compat/known.py as xfails."""
import dataclasses

from tests.compat.cases import containers, images, run, system, usage, volumes
from tests.compat.known import WRONG

_CASES = [*run.CASES, *containers.CASES, *images.CASES, *volumes.CASES, *system.CASES, *usage.CASES]
ALL = [dataclasses.replace(c, xfail=WRONG[c.id]) if c.id in WRONG else c for c in _CASES]
UNKNOWN_IDS = sorted(set(WRONG) - {c.id for c in _CASES})
