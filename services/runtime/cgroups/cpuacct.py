"""cpuacct (v1): the CPU time the container used."""
import os

from services.runtime.cgroups import base


class CpuacctV1(base.Controller):
    name = "cpuacct"

    def stats(self, path, sample):
        sample["cpu_ns"] = base.read_int(os.path.join(path, "cpuacct.usage"))
