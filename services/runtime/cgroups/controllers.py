"""The controllers each driver goes through, in runc's order
(libcontainer/cgroups/fs and fs2): the order their cgroups are made,
their limits set and (v1) their hierarchies joined. A new limit is a line
in its controller's set()."""
from services.runtime.cgroups import blkio, cpu, cpuacct, cpuset, devices, freezer, memory, pids

V1 = (cpuset.CpusetV1(), devices.DevicesV1(), memory.MemoryV1(), cpu.CpuV1(), cpuacct.CpuacctV1(), pids.Pids(),
      blkio.BlkioV1(), freezer.FreezerV1())

V2 = (pids.Pids(), memory.MemoryV2(), blkio.IoV2(), cpu.CpuV2(), cpuset.CpusetV2(), freezer.FreezerV2())
