"""The executor seam (services/runtime/executors/): one registry by name,
every executor the whole protocol, and a container side that stays as
light as the shim needs (it is imported on every container's start)."""
import dataclasses
import inspect
import pathlib
import subprocess
import sys

import pytest

from common.errors import FailedPrecondition, InvalidArgument
from services.runtime import executors, model
from services.runtime.executors.base import Executor

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEAM = [name for name, member in vars(Executor).items() if inspect.isfunction(member)]


def test_registry_by_name():
    assert {"doca", "runc", "crun"} <= set(executors.EXECUTORS)
    assert all(e.name == name for name, e in executors.EXECUTORS.items())
    assert executors.named("") is executors.named("doca") is executors.EXECUTORS[executors.DEFAULT]
    with pytest.raises(InvalidArgument, match=r"unknown runtime 'kata': use doca, runc(, \w+)* or \w+$"):
        executors.named("kata")
    assert executors.installed()["doca"] == "doca"


@pytest.mark.parametrize("name", list(executors.EXECUTORS))
def test_every_executor_implements_the_whole_seam(name):
    cls = type(executors.EXECUTORS[name])
    missing = [m for m in SEAM if getattr(cls, m) is getattr(Executor, m)]
    assert not missing, f"{cls.__name__} leaves {missing} to the base"
    assert set(SEAM) == {"create", "path", "check", "start", "delete"}


def test_checks_at_create():
    spec = model.ContainerSpec(process=model.Process(args=("true",)), tty=True)
    executors.named("doca").check(spec)
    for e in executors.EXECUTORS.values():
        if e.path() is not None:
            e.check(spec)  # a terminal: every executor makes one
    runc = executors.EXECUTORS["runc"]
    if runc.path() is not None:
        with pytest.raises(FailedPrecondition, match="--userns-remap with --runtime runc is not supported"):
            runc.check(dataclasses.replace(spec, userns=model.UsernsRemap(uid_base=100000, gid_base=100000,
                                                                          size=65536)))


def test_container_side_loads_no_more_than_the_shim_needs():
    """The shim (and through it every executor module) imports none of what
    a runtime-side method needs (subprocess, the domain errors) nor typing:
    each would cost every shim started afresh."""
    out = subprocess.run([sys.executable, "-E", "-S", "-c", "import sys, services.runtime.shim; print(*sys.modules)"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert "services.runtime.executors.oci" in out
    heavy = {"typing", "subprocess", "threading", "logging", "json", "common.errors", "grpc"}
    assert not heavy & set(out)
