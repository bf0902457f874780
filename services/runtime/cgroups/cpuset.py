"""cpuset: which CPUs and memory nodes the container may use."""
import os

from services.runtime.cgroups import base


class CpusetV1(base.Controller):
    name = "cpuset"

    def prepare(self, path):
        # A new cpuset cgroup starts empty; no task may join until it has cpus and mems.
        parent = os.path.dirname(path.rstrip("/"))
        for name in ("cpuset.cpus", "cpuset.mems"):
            f = os.path.join(path, name)
            if not base.read(f).strip():
                base.write(f, base.read(os.path.join(parent, name)).strip())


class CpusetV2(base.Controller):
    name = "cpuset"  # enabled for the container; v2 fills an empty cpuset from its parent itself
