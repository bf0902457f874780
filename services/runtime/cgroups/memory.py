"""memory: the limit (with Docker's default swap, as much again), usage,
and the OOM killer's count."""
import os

from services.runtime.cgroups import base

V1_NO_LIMIT = 1 << 60  # v1 reports "no limit" as a huge page-aligned number


class MemoryV1(base.Controller):
    name = "memory"

    def set(self, path, res):
        if res.memory_bytes:
            memsw = os.path.join(path, "memory.memsw.limit_in_bytes")
            # Docker's default --memory-swap is twice --memory. The kernel wants
            # memsw >= memory at every step, so the order depends on direction.
            steps = [("memory.limit_in_bytes", res.memory_bytes)]
            if os.path.exists(memsw):
                current = int(base.read(os.path.join(path, "memory.limit_in_bytes")))
                pair = ("memory.memsw.limit_in_bytes", 2 * res.memory_bytes)
                steps = steps + [pair] if res.memory_bytes <= current else [pair] + steps
            for name, value in steps:
                base.write(os.path.join(path, name), value)
        if res.memory_reservation:
            base.write(os.path.join(path, "memory.soft_limit_in_bytes"), res.memory_reservation)

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
            # Docker's default --memory-swap is twice --memory: swap = memory.
            base.write(os.path.join(path, "memory.swap.max"), res.memory_bytes)
        if res.memory_reservation:
            base.write(os.path.join(path, "memory.low"), res.memory_reservation)

    def stats(self, path, sample):
        sample["memory_usage"] = base.read_int(os.path.join(path, "memory.current"))
        sample["memory_limit"] = base.read_int(os.path.join(path, "memory.max"))
        sample["memory_inactive_file"] = base.keyed(os.path.join(path, "memory.stat")).get("inactive_file", 0)

    def oom_kills(self, path: str) -> int:
        return base.read_key(os.path.join(path, "memory.events"), "oom_kill")
