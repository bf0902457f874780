"""cpuset: which CPUs and memory nodes the container may use (--cpuset-cpus,
--cpuset-mems), within what its parent has, as Docker's daemon checks."""
import os

from common.errors import InvalidArgument
from common.resources import cpuset_list
from services.runtime.cgroups import base

# file, its flag's word in Docker's message, the parent's file of what is
# available (v1's name, v2's), the word in a bad list's message
_FILES = (("cpuset.cpus", "CPUs", ("cpuset.effective_cpus", "cpuset.cpus.effective"), "cpus"),
          ("cpuset.mems", "memory nodes", ("cpuset.effective_mems", "cpuset.mems.effective"), "mems"))


def check_available(wanted: str, available: str, words: str, what: str) -> None:
    wanted_set = cpuset_list(wanted, what)
    if available and not wanted_set <= cpuset_list(available, what):
        raise InvalidArgument(f"Requested {words} are not available - requested {wanted}, available: {available}")


def _parent_has(path: str, name: str, effective: tuple[str, str]) -> str:
    parent = os.path.dirname(path.rstrip("/"))
    for f in effective + (name,):
        if os.path.exists(os.path.join(parent, f)):
            return base.read(os.path.join(parent, f)).strip()
    return ""


class CpusetV1(base.Controller):
    name = "cpuset"

    def prepare(self, path):
        # A new cpuset cgroup starts empty; no task may join until it has cpus and mems.
        parent = os.path.dirname(path.rstrip("/"))
        for name in ("cpuset.cpus", "cpuset.mems"):
            f = os.path.join(path, name)
            if not base.read(f).strip():
                base.write(f, base.read(os.path.join(parent, name)).strip())

    def set(self, path, res):
        for (name, words, effective, what), wanted in zip(_FILES, (res.cpuset_cpus, res.cpuset_mems)):
            if wanted:
                check_available(wanted, _parent_has(path, name, effective), words, what)
                base.write(os.path.join(path, name), wanted)


class CpusetV2(base.Controller):
    name = "cpuset"  # enabled for the container; v2 fills an empty cpuset from its parent itself

    def set(self, path, res):
        for (name, words, effective, what), wanted in zip(_FILES, (res.cpuset_cpus, res.cpuset_mems)):
            if wanted:
                check_available(wanted, _parent_has(path, name, effective), words, what)
                base.write(os.path.join(path, name), wanted)
