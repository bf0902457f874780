"""memory: the limit and swap (Docker's default: as much again), the soft
limit, swappiness, the OOM killer (its switch and count), and usage."""
import os

from services.runtime.cgroups import base

V1_NO_LIMIT = 1 << 60  # v1 reports "no limit" as a huge page-aligned number


def swap_limit(res) -> int:
    """Memory plus swap as Docker sets it: --memory-swap, -1 (unlimited), or
    by default twice --memory; 0 = none."""
    if res.memory_swap:
        return res.memory_swap
    return 2 * res.memory_bytes


class MemoryV1(base.Controller):
    name = "memory"

    def set(self, path, res):
        memsw = os.path.join(path, "memory.memsw.limit_in_bytes")
        swap = swap_limit(res)
        if res.memory_bytes or swap:
            steps = [("memory.limit_in_bytes", res.memory_bytes)] if res.memory_bytes else []
            if swap and os.path.exists(memsw):
                # The kernel wants memsw >= memory at every step: as runc, the
                # swap first when it grows (or is lifted), else the memory first.
                current = int(base.read(memsw))
                pair = ("memory.memsw.limit_in_bytes", swap)
                steps = [pair] + steps if swap == -1 or current < swap else steps + [pair]
            for name, value in steps:
                base.write(os.path.join(path, name), value)
        if res.memory_reservation:
            base.write(os.path.join(path, "memory.soft_limit_in_bytes"), res.memory_reservation)
        if res.memory_swappiness is not None:
            base.write(os.path.join(path, "memory.swappiness"), res.memory_swappiness)
        if res.oom_kill_disable:
            base.write(os.path.join(path, "memory.oom_control"), 1)

    def stats(self, path, sample):
        limit = base.read_int(os.path.join(path, "memory.limit_in_bytes"))
        sample["memory_usage"] = base.read_int(os.path.join(path, "memory.usage_in_bytes"))
        sample["memory_limit"] = limit if 0 < limit < V1_NO_LIMIT else 0
        sample["memory_inactive_file"] = base.keyed(os.path.join(path, "memory.stat")).get("total_inactive_file", 0)

    def oom_kills(self, path: str) -> int:
        # oom_kill counts kills (failcnt stays 0 when memsw is set).
        return base.read_key(os.path.join(path, "memory.oom_control"), "oom_kill")


class MemoryV2(base.Controller):
    name = "memory"

    def set(self, path, res):
        if res.memory_bytes:
            base.write(os.path.join(path, "memory.max"), res.memory_bytes)
        swap = swap_limit(res)
        if swap:  # v2 limits the swap alone (runc's conversion)
            base.write(os.path.join(path, "memory.swap.max"), "max" if swap == -1 else swap - res.memory_bytes)
        if res.memory_reservation:
            base.write(os.path.join(path, "memory.low"), res.memory_reservation)

    def stats(self, path, sample):
        sample["memory_usage"] = base.read_int(os.path.join(path, "memory.current"))
        sample["memory_limit"] = base.read_int(os.path.join(path, "memory.max"))
        sample["memory_inactive_file"] = base.keyed(os.path.join(path, "memory.stat")).get("inactive_file", 0)

    def oom_kills(self, path: str) -> int:
        return base.read_key(os.path.join(path, "memory.events"), "oom_kill")
