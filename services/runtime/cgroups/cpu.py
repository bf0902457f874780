"""cpu: shares (v2: weight) and the CFS quota (--cpus); on v2 also the
usage, which v1 keeps in cpuacct."""
import os

from services.runtime.cgroups import base

DEFAULT_PERIOD = 100000  # microseconds: the kernel's, and Docker's for --cpus


def shares_to_weight(shares: int) -> int:
    """cpu.shares (2..262144) to cpu.weight (1..10000), as runc and crun map it."""
    return 1 + ((shares - 2) * 9999) // 262142


class CpuV1(base.Controller):
    name = "cpu"

    def set(self, path, res):
        if res.cpu_shares:
            base.write(os.path.join(path, "cpu.shares"), res.cpu_shares)
        if res.cpu_quota:
            base.write(os.path.join(path, "cpu.cfs_period_us"), res.cpu_period or DEFAULT_PERIOD)
            base.write(os.path.join(path, "cpu.cfs_quota_us"), res.cpu_quota)


class CpuV2(base.Controller):
    name = "cpu"

    def set(self, path, res):
        if res.cpu_quota:
            base.write(os.path.join(path, "cpu.max"), f"{res.cpu_quota} {res.cpu_period or DEFAULT_PERIOD}")
        if res.cpu_shares:
            base.write(os.path.join(path, "cpu.weight"), shares_to_weight(res.cpu_shares))

    def stats(self, path, sample):
        sample["cpu_ns"] = base.keyed(os.path.join(path, "cpu.stat")).get("usage_usec", 0) * 1000
