"""A container's resource limits, declared once. Each field names the
user's request field it comes from and its unit (the gateway reads
ContainerConfig and UpdateRequest by these names), the key Docker's
HostConfig shows it under (inspect) and its place in an OCI config
(linux.resources.GROUP.KEY); the cgroup controllers
(services/runtime/cgroups/) write it. The gateway makes one from a user's
request, the runtime from its own API: both have it checked by
construction, by the rules below, so that a Resources is valid wherever it
is. 0 means no limit (and, in an update, unchanged)."""
import dataclasses

from common.errors import InvalidArgument

# What the user writes: a size in Docker's units (32m, 1g), a number, or a
# number where -1 means unlimited (Docker's --pids-limit).
SIZE, COUNT, COUNT_OR_UNLIMITED = "size", "count", "count or unlimited"

MIN_MEMORY = 6 << 20  # Docker's linuxMinMemory
MAX_CPU_SHARES = 262144  # the kernel's (cgroup v1 cpu.shares); Docker's runc says so too
MAX_PIDS = 4194304  # the kernel's PID_MAX_LIMIT: pids.max takes no more


def _limit(docker: str, oci: str, user: str = "", unit: str = COUNT, low: int = 0, high: int = 0):
    """`user`: the request's field ("" = derived, as the CFS quota from
    --cpus); `low`/`high`: the bounds of a value that is set (0 = none)."""
    return dataclasses.field(default=0, metadata={
        "docker": docker, "oci": oci, "user": user, "unit": unit, "low": low, "high": high})


@dataclasses.dataclass(frozen=True)
class Resources:
    memory_bytes: int = _limit("Memory", "memory.limit", "memory", SIZE, low=MIN_MEMORY)
    cpu_shares: int = _limit("CpuShares", "cpu.shares", "cpu_shares", low=2, high=MAX_CPU_SHARES)
    # CFS quota and period in microseconds, from --cpus (0.5 = 50000/100000).
    cpu_quota: int = _limit("CpuQuota", "cpu.quota", low=1000)
    cpu_period: int = _limit("CpuPeriod", "cpu.period")
    pids_limit: int = _limit("PidsLimit", "pids.limit", "pids_limit", COUNT_OR_UNLIMITED, high=MAX_PIDS)
    memory_reservation: int = _limit("MemoryReservation", "memory.reservation", "memory_reservation", SIZE,
                                     low=MIN_MEMORY)

    def __post_init__(self):
        for f in FIELDS:
            _check(f, getattr(self, f.name))
        if 0 < self.memory_bytes < self.memory_reservation:  # Docker's words
            raise InvalidArgument("Minimum memory limit can not be less than memory reservation limit, see usage")


FIELDS = dataclasses.fields(Resources)


def flag(f: dataclasses.Field) -> str:
    """The field's flag, as Docker's CLI names it (--memory, --cpu-quota)."""
    return "--" + (f.metadata["user"] or f.name).replace("_", "-")


def _check(f: dataclasses.Field, value) -> None:
    if value < 0:
        unlimited = " or -1 (unlimited)" if f.metadata["unit"] == COUNT_OR_UNLIMITED else ""
        raise InvalidArgument(f"invalid {flag(f)} {value}: must be positive{unlimited}")
    low, high, size = f.metadata["low"], f.metadata["high"], f.metadata["unit"] == SIZE
    if value and value < low:
        shown = f"{low >> 20}MB" if size else str(low)
        raise InvalidArgument(f"invalid {flag(f)} {value}: the minimum allowed {flag(f)[2:]} is {shown}")
    if high and value > high:
        raise InvalidArgument(f"invalid {flag(f)} {value}: the maximum allowed {flag(f)[2:]} is {high}")
