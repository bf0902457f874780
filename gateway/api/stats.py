"""Docker's figures from the runtime's raw samples: CPU % between two
readings, memory less inactive page cache, the host's memory as the limit
when the container has none."""
from doca.v1 import containers_pb2 as pb


def host_memory() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def convert(s, host_mem: int) -> pb.ContainerStats:
    cpu_delta = s.cpu_ns - s.pre_cpu_ns
    sys_delta = s.system_ns - s.pre_system_ns
    cpu = cpu_delta / sys_delta * s.online_cpus * 100 if s.pre_system_ns and sys_delta > 0 else 0.0
    used = max(s.memory_usage - s.memory_inactive_file, 0)
    limit = s.memory_limit or host_mem
    return pb.ContainerStats(
        id=s.id, name=s.name, cpu_percent=round(cpu, 2), memory_usage=used, memory_limit=limit,
        memory_percent=round(used / limit * 100, 2) if limit else 0.0,
        net_rx_bytes=s.net_rx_bytes, net_tx_bytes=s.net_tx_bytes,
        blk_read_bytes=s.blk_read_bytes, blk_write_bytes=s.blk_write_bytes, pids=s.pids_current,
        cpu_seconds=s.cpu_ns / 1e9,
        read=s.read, cpu_ns=s.cpu_ns, pre_cpu_ns=s.pre_cpu_ns, system_ns=s.system_ns, pre_system_ns=s.pre_system_ns,
        online_cpus=s.online_cpus, memory_raw_usage=s.memory_usage, memory_inactive_file=s.memory_inactive_file,
        pids_limit=s.pids_limit)
