"""cpu: shares (v2: weight), the CFS quota and period (--cpus, --cpu-quota,
--cpu-period) and the real-time period and runtime (v1); on v2 also the
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
        if res.cpu_quota or res.cpu_period:
            base.write(os.path.join(path, "cpu.cfs_period_us"), res.cpu_period or DEFAULT_PERIOD)
        if res.cpu_quota:
            base.write(os.path.join(path, "cpu.cfs_quota_us"), res.cpu_quota)
        # The period before the runtime, as runc: the runtime must fit in it.
        if res.cpu_rt_period:
            base.write(os.path.join(path, "cpu.rt_period_us"), res.cpu_rt_period)
        if res.cpu_rt_runtime:
            base.write(os.path.join(path, "cpu.rt_runtime_us"), res.cpu_rt_runtime)


class CpuV2(base.Controller):
    name = "cpu"

    def set(self, path, res):
        if res.cpu_quota or res.cpu_period:
            quota = res.cpu_quota or "max"
            base.write(os.path.join(path, "cpu.max"), f"{quota} {res.cpu_period or DEFAULT_PERIOD}")
        if res.cpu_shares:
            base.write(os.path.join(path, "cpu.weight"), shares_to_weight(res.cpu_shares))

    def stats(self, path, sample):
        sample["cpu_ns"] = base.keyed(os.path.join(path, "cpu.stat")).get("usage_usec", 0) * 1000
