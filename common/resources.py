"""A container's resource limits, declared once. Each field names the
user's request field it comes from and its unit (the gateway reads
ContainerConfig and UpdateRequest by these names), the key Docker's
HostConfig shows it under (inspect) and its place in an OCI config
(linux.resources.GROUP.KEY); the cgroup controllers
(services/runtime/cgroups/) write it. The gateway makes one from a user's
request, the runtime from its own API: both have it checked by
construction, by the rules below, so that a Resources is valid wherever it
is. 0 (or "", (), False, None) means no limit (and, in an update,
unchanged); -1 is "unlimited" where Docker takes it (--memory-swap,
--pids-limit), so that an update can lift a limit."""
import dataclasses
import re

from common.errors import InvalidArgument

# What the user writes: a size in Docker's units (32m, 1g), a number, a
# number where -1 means unlimited (Docker's --pids-limit), a size or -1
# (--memory-swap), text (a cpuset list), a switch, or a list of
# DEVICE:VALUE where the value is a size (bytes per second), a number
# (I/O per second) or a weight.
SIZE, COUNT, COUNT_OR_UNLIMITED, SIZE_OR_UNLIMITED = "size", "count", "count or unlimited", "size or unlimited"
TEXT, SWITCH, RATES, IOPS, WEIGHTS = "text", "switch", "rates", "iops", "weights"
LISTS = (RATES, IOPS, WEIGHTS)
# Beside the limits, what Docker's HostConfig keeps with them and only
# create sets: host devices (HOST:CONTAINER:PERMS), device cgroup rules
# ("c 1:3 mr"), a signed number (--oom-score-adj).
DEVICES, RULES, SIGNED = "devices", "rules", "signed"

MIN_MEMORY = 6 << 20  # Docker's linuxMinMemory
MAX_CPU_SHARES = 262144  # the kernel's (cgroup v1 cpu.shares); Docker's runc says so too
MAX_PIDS = 4194304  # the kernel's PID_MAX_LIMIT: pids.max takes no more
UNLIMITED = -1


def _limit(docker: str, oci: str, user: str = "", unit: str = COUNT, low: int = 0, high: int = 0,
           words: str = "", default=0):
    """`user`: the request's field ("" = derived, as NanoCpus from --cpus);
    `low`/`high`: the bounds of a value that is set (0 = none); `words`:
    Docker's message for a value out of them ({value} is the value)."""
    return dataclasses.field(default=default, metadata={
        "docker": docker, "oci": oci, "user": user, "unit": unit, "low": low, "high": high, "words": words})


@dataclasses.dataclass(frozen=True)
class Resources:
    memory_bytes: int = _limit("Memory", "memory.limit", "memory", SIZE, low=MIN_MEMORY,
                               words="Minimum memory limit allowed is 6MB")
    cpu_shares: int = _limit("CpuShares", "cpu.shares", "cpu_shares", low=2, high=MAX_CPU_SHARES)
    # CFS quota and period in microseconds: --cpu-quota/--cpu-period, or
    # derived from --cpus (0.5 = 50000/100000, nano_cpus then says so).
    cpu_quota: int = _limit("CpuQuota", "cpu.quota", "cpu_quota", low=1000,
                            words="CPU cfs quota can not be less than 1ms (i.e. 1000)")
    cpu_period: int = _limit("CpuPeriod", "cpu.period", "cpu_period", low=1000, high=1000000,
                             words="CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s "
                                   "(i.e. 1000000)")
    pids_limit: int = _limit("PidsLimit", "pids.limit", "pids_limit", COUNT_OR_UNLIMITED, high=MAX_PIDS)
    memory_reservation: int = _limit("MemoryReservation", "memory.reservation", "memory_reservation", SIZE,
                                     low=MIN_MEMORY, words="Minimum memory reservation allowed is 6MB")
    # Memory plus swap (-1: unlimited swap; 0: Docker's default, twice the memory).
    memory_swap: int = _limit("MemorySwap", "memory.swap", "memory_swap", SIZE_OR_UNLIMITED)
    memory_swappiness: int | None = _limit("MemorySwappiness", "memory.swappiness", "memory_swappiness",
                                           high=100, default=None,
                                           words="invalid value: {value}. Valid memory swappiness range is 0-100.")
    oom_kill_disable: bool = _limit("OomKillDisable", "memory.disableOOMKiller", "oom_kill_disable", SWITCH,
                                    default=False)
    cpuset_cpus: str = _limit("CpusetCpus", "cpu.cpus", "cpuset_cpus", TEXT, default="")
    cpuset_mems: str = _limit("CpusetMems", "cpu.mems", "cpuset_mems", TEXT, default="")
    cpu_rt_period: int = _limit("CpuRealtimePeriod", "cpu.realtimePeriod", "cpu_rt_period")
    cpu_rt_runtime: int = _limit("CpuRealtimeRuntime", "cpu.realtimeRuntime", "cpu_rt_runtime")
    # --cpus in billionths of a CPU, as Docker keeps it (the quota above is what the kernel gets).
    nano_cpus: int = _limit("NanoCpus", "")
    blkio_weight: int = _limit("BlkioWeight", "blockIO.weight", "blkio_weight", low=10, high=1000,
                               words="Range of blkio weight is from 10 to 1000")
    # DEVICE:VALUE entries (a host path, or MAJOR:MINOR from a config.json).
    blkio_weight_device: tuple[str, ...] = _limit("BlkioWeightDevice", "blockIO.weightDevice",
                                                  "blkio_weight_device", WEIGHTS, default=())
    device_read_bps: tuple[str, ...] = _limit("BlkioDeviceReadBps", "blockIO.throttleReadBpsDevice",
                                              "device_read_bps", RATES, default=())
    device_write_bps: tuple[str, ...] = _limit("BlkioDeviceWriteBps", "blockIO.throttleWriteBpsDevice",
                                               "device_write_bps", RATES, default=())
    device_read_iops: tuple[str, ...] = _limit("BlkioDeviceReadIOps", "blockIO.throttleReadIOPSDevice",
                                               "device_read_iops", IOPS, default=())
    device_write_iops: tuple[str, ...] = _limit("BlkioDeviceWriteIOps", "blockIO.throttleWriteIOPSDevice",
                                                "device_write_iops", IOPS, default=())

    # Not cgroup limits but set with them, at create only: /dev/shm's size
    # (0: Docker's 64MB), the host devices given and the device cgroup rules
    # added (the devices controller), the OOM killer's adjustment of the
    # container's processes (OCI process.oomScoreAdj).
    shm_size: int = _limit("ShmSize", "", "shm_size", SIZE)
    devices: tuple[str, ...] = _limit("Devices", "", "devices", DEVICES, default=())
    device_cgroup_rules: tuple[str, ...] = _limit("DeviceCgroupRules", "", "device_cgroup_rules", RULES, default=())
    oom_score_adj: int = _limit("OomScoreAdj", "", "oom_score_adj", SIGNED, low=-1000, high=1000,
                                words="Invalid value {value}, range for oom score adj is [-1000, 1000]")

    # --kernel-memory: kept and shown as Docker 20.10 keeps it, written by
    # no controller nor config.json: runc (1.0 on) ignores kernel memory,
    # Docker warns it is deprecated (gateway/api/spec.py's warnings).
    kernel_memory: int = _limit("KernelMemory", "", "kernel_memory", SIZE, low=MIN_MEMORY,
                                words="Minimum kernel memory limit allowed is 6MB")

    def __post_init__(self):
        for f in FIELDS:
            _check(f, getattr(self, f.name))
        # Docker's words for the combinations it refuses.
        if 0 < self.memory_bytes < self.memory_reservation:
            raise InvalidArgument("Minimum memory limit can not be less than memory reservation limit, see usage")
        if self.memory_swap > 0 and not self.memory_bytes:
            raise InvalidArgument("You should always set the Memory limit when using Memoryswap limit, see usage")
        if 0 < self.memory_swap < self.memory_bytes:
            raise InvalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage")
        if self.cpu_rt_period and self.cpu_rt_runtime > self.cpu_rt_period:
            raise InvalidArgument("cpu real-time runtime cannot be higher than cpu real-time period")
        if self.nano_cpus and (self.cpu_quota, self.cpu_period) != nano_to_quota(self.nano_cpus):
            what = "Quota" if self.cpu_quota != nano_to_quota(self.nano_cpus)[0] else "Period"
            raise InvalidArgument(f"Conflicting options: Nano CPUs and CPU {what} cannot both be set")


FIELDS = dataclasses.fields(Resources)
BY_NAME = {f.name: f for f in FIELDS}
PERIOD = 100000  # microseconds: the kernel's default CFS period, and Docker's for --cpus


def checked(values: dict) -> dict:
    """An update's limits, each checked alone (their combination is checked
    once merged with the container's: check_update and Resources)."""
    for name, value in values.items():
        _check(BY_NAME[name], value)
    return values


def check_update(old: Resources, changes: dict) -> None:
    """What Docker's daemon refuses to change in an update, in its words."""
    if changes.get("nano_cpus"):
        for name, what in (("cpu_period", "CPU Period"), ("cpu_quota", "CPU Quota")):
            if getattr(old, name) and not old.nano_cpus:
                raise InvalidArgument(f"Conflicting options: Nano CPUs cannot be updated as {what} has already "
                                      "been set")
    elif old.nano_cpus:
        for name, what in (("cpu_period", "CPU Period"), ("cpu_quota", "CPU Quota")):
            if changes.get(name):
                raise InvalidArgument(f"Conflicting options: {what} cannot be updated as NanoCPUs has already "
                                      "been set")
    memory = changes.get("memory_bytes", 0)
    if memory and "memory_swap" not in changes and 0 < old.memory_swap < memory:
        raise InvalidArgument("Memory limit should be smaller than already set memoryswap limit, update the "
                              "memoryswap at the same time")


def nano_to_quota(nano: int) -> tuple[int, int]:
    """--cpus in billionths -> (quota, period) in microseconds, as Docker's daemon."""
    return nano * PERIOD // 1_000_000_000, PERIOD


def flag(f: dataclasses.Field) -> str:
    """The field's flag, as Docker's CLI names it (--memory, --cpu-quota)."""
    return "--" + (f.metadata["user"] or f.name).replace("_", "-")


_CPUSET = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def cpuset_list(text: str, what: str) -> set[int]:
    """'0-2,4' -> {0, 1, 2, 4}, with Docker's words for a bad list."""
    if not _CPUSET.fullmatch(text):
        raise InvalidArgument(f"Invalid value {text} for cpuset {what}: invalid format: {text}")
    out = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        if high and int(high) < int(low):
            raise InvalidArgument(f"Invalid value {text} for cpuset {what}: invalid range format: {part}")
        if int(high or low) > 8192:  # no machine has more; keeps the set small
            raise InvalidArgument(f"Invalid value {text} for cpuset {what}: invalid format: {text}")
        out.update(range(int(low), int(high or low) + 1))
    return out


_RULE = re.compile(r"^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$")


def device_rule(rule: str) -> tuple[str, int | None, int | None, str]:
    """--device-cgroup-rule 'c 1:3 mr' -> ('c', 1, 3, 'mr') (None: any),
    with Docker's words for one it cannot read."""
    m = _RULE.fullmatch(rule)
    if not m:
        raise InvalidArgument(f"invalid device cgroup format '{rule}'")
    kind, major, minor, access = m.groups()
    return kind, None if major == "*" else int(major), None if minor == "*" else int(minor), access


def device_mapping(entry: str) -> tuple[str, str, str]:
    """--device HOST[:CONTAINER][:PERMS] -> (host, container, perms), with
    Docker's CLI's words (its ValidateDevice)."""
    parts = entry.split(":")
    host, container, perms = parts[0], "", "rwm"
    if len(parts) == 3:
        container, perms = parts[1], parts[2]
    elif len(parts) == 2:
        if parts[1] and set(parts[1]) <= set("rwm") and len(parts[1]) <= 3:
            perms = parts[1]
        else:
            container = parts[1]
    elif len(parts) > 3:
        raise InvalidArgument(f"bad format for path: {entry}")
    if len(parts) == 3 and not (perms and set(perms) <= set("rwm") and len(perms) <= 3):
        raise InvalidArgument(f"bad mode specified: {perms}")
    container = container or host
    for path in (host, container):
        if not path.startswith("/"):
            raise InvalidArgument(f"{path} is not an absolute path")
    return host, container, perms


def device_entry(entry: str) -> tuple[str, int]:
    """'DEVICE:VALUE' -> (DEVICE, VALUE); DEVICE is a path or MAJOR:MINOR."""
    device, _, value = entry.rpartition(":")
    return device, int(value)


def _check(f: dataclasses.Field, value) -> None:
    unit = f.metadata["unit"]
    if unit == SWITCH or (value is None and f.default is None):
        return
    if unit == TEXT:
        if value:
            cpuset_list(value, f.name.split("_")[1])
        return
    if unit == DEVICES:
        for entry in value:
            device_mapping(entry)
        return
    if unit == RULES:
        for rule in value:
            device_rule(rule)
        return
    if unit == SIGNED:
        if not f.metadata["low"] <= value <= f.metadata["high"]:
            raise InvalidArgument(f.metadata["words"].format(value=value))
        return
    if unit in LISTS:
        for entry in value:
            device, number = device_entry(entry)
            if not device or number < 0:
                raise InvalidArgument(f"invalid {flag(f)} {entry!r}: use DEVICE:VALUE")
            if unit == WEIGHTS and not 10 <= number <= 1000:
                raise InvalidArgument("Range of blkio weight is from 10 to 1000")
        return
    words = f.metadata["words"].format(value=value)
    unlimited = unit in (COUNT_OR_UNLIMITED, SIZE_OR_UNLIMITED)
    if value < 0 and not (unlimited and value == UNLIMITED):
        if words and f.default is None:
            raise InvalidArgument(words)
        more = " or -1 (unlimited)" if unlimited else ""
        raise InvalidArgument(f"invalid {flag(f)} {value}: must be positive{more}")
    low, high, size = f.metadata["low"], f.metadata["high"], f.metadata["unit"] == SIZE
    if (value > 0 and value < low) or (high and value > high):
        if words:
            raise InvalidArgument(words)
    if value > 0 and value < low:
        shown = f"{low >> 20}MB" if size else str(low)
        raise InvalidArgument(f"invalid {flag(f)} {value}: the minimum allowed {flag(f)[2:]} is {shown}")
    if high and value > high:
        raise InvalidArgument(f"invalid {flag(f)} {value}: the maximum allowed {flag(f)[2:]} is {high}")
