"""run/create/update flags beyond the everyday ones (issue 12's "run/create
flags"): the resource limits Docker's run and update take, seen in the
container's own cgroup view and in inspect's HostConfig, and refused with
Docker's words."""
import os

from tests.compat.case import case

RUN = "run --rm --network none"
CREATE = "create --network none --name %n"
UP = "run -d --network none --name %n"
RM = "rm -f %n"
MEM = "/sys/fs/cgroup/memory"
CPU = "/sys/fs/cgroup/cpu"
CPUSET = "/sys/fs/cgroup/cpuset"
BLKIO = "/sys/fs/cgroup/blkio"


def _root_disk() -> str:
    """The disk under this host's / (both engines run here): a real block
    device for the I/O rate limits, which take whole disks."""
    dev = os.stat("/").st_dev
    path = os.path.realpath(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}")
    if os.path.exists(os.path.join(path, "partition")):
        path = os.path.dirname(path)
    return "/dev/" + os.path.basename(path)


DISK = _root_disk()


def _hc(*keys: str) -> str:
    """inspect's template printing these HostConfig keys as JSON."""
    return "inspect -f '" + " ".join("{{json .HostConfig.%s}}" % k for k in keys) + "' %n"


LIMIT_KEYS = ("Memory", "MemorySwap", "MemorySwappiness", "OomKillDisable", "CpusetCpus", "CpusetMems",
              "CpuPeriod", "CpuQuota", "NanoCpus", "CpuRealtimePeriod", "CpuRealtimeRuntime", "BlkioWeight",
              "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps",
              "BlkioDeviceWriteIOps", "PidsLimit")

CASES = [
    # --memory-swap
    case("flags-memory-swap", f"{RUN} -m 64m --memory-swap 128m %i cat {MEM}/memory.memsw.limit_in_bytes"),
    case("flags-memory-swap-default", f"{RUN} -m 64m %i cat {MEM}/memory.memsw.limit_in_bytes"),
    case("flags-memory-swap-unlimited", f"{RUN} -m 64m --memory-swap -1 %i cat {MEM}/memory.memsw.limit_in_bytes"),
    case("flags-memory-swap-no-memory", f"{RUN} --memory-swap 128m %i true",
         says="always set the memory limit when using memoryswap limit"),
    case("flags-memory-swap-below-memory", f"{RUN} -m 64m --memory-swap 32m %i true",
         says="minimum memoryswap limit should be larger than memory limit"),
    case("flags-memory-swap-bad", f"{RUN} -m 64m --memory-swap 1x %i true", says="invalid"),
    # the daemon's floor for memory and its reservation
    case("flags-memory-below-floor", f"{RUN} -m 1m %i true", says="minimum memory limit allowed is"),
    case("flags-memory-reservation-below-floor", f"{RUN} --memory-reservation 1m %i true",
         says="minimum memory reservation allowed is"),
    case("flags-memory-swap-inspect", _hc("Memory", "MemorySwap"),
         setup=f"{CREATE} -m 64m --memory-swap 100m %i true", cleanup=RM),
    case("flags-memory-swap-unlimited-inspect", _hc("Memory", "MemorySwap"),
         setup=f"{CREATE} -m 64m --memory-swap -1 %i true", cleanup=RM),
    # --memory-swappiness
    case("flags-swappiness", f"{RUN} --memory-swappiness 10 %i cat {MEM}/memory.swappiness"),
    case("flags-swappiness-zero", f"{RUN} --memory-swappiness 0 %i cat {MEM}/memory.swappiness"),
    case("flags-swappiness-too-high", f"{RUN} --memory-swappiness 101 %i true",
         says="valid memory swappiness range is 0-100"),
    case("flags-swappiness-negative", f"{RUN} --memory-swappiness -2 %i true",
         says="valid memory swappiness range is 0-100"),
    case("flags-swappiness-inspect", _hc("MemorySwappiness"),
         setup=f"{CREATE} --memory-swappiness 0 %i true", cleanup=RM),
    # --oom-kill-disable (without -m both engines warn, on stderr)
    case("flags-oom-kill-disable", f"{RUN} -m 64m --oom-kill-disable %i cat {MEM}/memory.oom_control"),
    case("flags-oom-kill-disable-warns", f"{RUN} --oom-kill-disable %i head -1 {MEM}/memory.oom_control"),
    case("flags-oom-kill-disable-inspect", _hc("OomKillDisable"),
         setup=f"{CREATE} -m 64m --oom-kill-disable %i true", cleanup=RM),
    # --cpuset-cpus, --cpuset-mems
    case("flags-cpuset-cpus", f"{RUN} --cpuset-cpus 0 %i cat {CPUSET}/cpuset.cpus"),
    case("flags-cpuset-mems", f"{RUN} --cpuset-mems 0 %i cat {CPUSET}/cpuset.mems"),
    case("flags-cpuset-cpus-unavailable", f"{RUN} --cpuset-cpus 4096 %i true",
         says="requested cpus are not available - requested 4096"),
    case("flags-cpuset-mems-unavailable", f"{RUN} --cpuset-mems 63 %i true",
         says="requested memory nodes are not available - requested 63"),
    case("flags-cpuset-cpus-bad", f"{RUN} --cpuset-cpus x %i true",
         says="invalid value x for cpuset cpus: invalid format: x"),
    case("flags-cpuset-inspect", _hc("CpusetCpus", "CpusetMems"),
         setup=f"{CREATE} --cpuset-cpus 0 --cpuset-mems 0 %i true", cleanup=RM),
    # --cpu-period, --cpu-quota (and --cpus beside them)
    case("flags-cpu-period-quota", f"{RUN} --cpu-period 50000 --cpu-quota 25000 %i cat {CPU}/cpu.cfs_quota_us "
                                   f"{CPU}/cpu.cfs_period_us"),
    case("flags-cpu-period-alone", f"{RUN} --cpu-period 50000 %i cat {CPU}/cpu.cfs_period_us"),
    case("flags-cpu-quota-low", f"{RUN} --cpu-quota 500 %i true", says="cpu cfs quota can not be less than 1ms"),
    case("flags-cpu-period-low", f"{RUN} --cpu-period 500 %i true", says="cpu cfs period can not be less than 1ms"),
    case("flags-cpu-period-high", f"{RUN} --cpu-period 2000000 %i true", says="larger than 1s"),
    case("flags-cpus-and-quota", f"{RUN} --cpus 1 --cpu-quota 50000 %i true",
         says="conflicting options: nano cpus and cpu quota cannot both be set"),
    case("flags-cpus-and-period", f"{RUN} --cpus 1 --cpu-period 50000 %i true",
         says="conflicting options: nano cpus and cpu period cannot both be set"),
    case("flags-cpu-quota-inspect", _hc("CpuPeriod", "CpuQuota", "NanoCpus"),
         setup=f"{CREATE} --cpu-period 50000 --cpu-quota 20000 %i true", cleanup=RM),
    case("flags-cpus-inspect", _hc("CpuPeriod", "CpuQuota", "NanoCpus"),
         setup=f"{CREATE} --cpus 1.5 %i true", cleanup=RM),
    # --cpu-rt-period, --cpu-rt-runtime
    case("flags-cpu-rt-period", f"{RUN} --cpu-rt-period 900000 %i cat {CPU}/cpu.rt_period_us"),
    case("flags-cpu-rt-runtime-above-period", f"{RUN} --cpu-rt-period 1000 --cpu-rt-runtime 2000 %i true",
         says="cpu real-time runtime cannot be higher than cpu real-time period"),
    case("flags-cpu-rt-inspect", _hc("CpuRealtimePeriod", "CpuRealtimeRuntime"),
         setup=f"{CREATE} --cpu-rt-period 900000 %i true", cleanup=RM),
    # --blkio-weight(-device): this kernel has no I/O weight, both engines
    # discard it with a warning
    case("flags-blkio-weight", f"{RUN} --blkio-weight 300 %i true"),
    case("flags-blkio-weight-inspect", _hc("BlkioWeight", "BlkioWeightDevice"),
         setup=f"{CREATE} --blkio-weight 300 --blkio-weight-device {DISK}:200 %i true", cleanup=RM),
    case("flags-blkio-weight-device-bad", f"{RUN} --blkio-weight-device {DISK} %i true", says="bad format"),
    case("flags-blkio-weight-out-of-range", f"{RUN} --blkio-weight 70000 %i true", says="value out of range"),
    # --device-read-bps, --device-write-bps, --device-read-iops, --device-write-iops
    case("flags-device-write-bps", f"{RUN} --device-write-bps {DISK}:1mb %i cat "
                                   f"{BLKIO}/blkio.throttle.write_bps_device"),
    case("flags-device-read-bps", f"{RUN} --device-read-bps {DISK}:512k %i cat "
                                  f"{BLKIO}/blkio.throttle.read_bps_device"),
    case("flags-device-read-iops", f"{RUN} --device-read-iops {DISK}:100 %i cat "
                                   f"{BLKIO}/blkio.throttle.read_iops_device"),
    case("flags-device-write-iops", f"{RUN} --device-write-iops {DISK}:50 %i cat "
                                    f"{BLKIO}/blkio.throttle.write_iops_device"),
    # (the rows' fields one by one: doca's JSON of an object does not keep Docker's key order, see the report)
    case("flags-device-rates-inspect", "inspect -f '{{range .HostConfig.BlkioDeviceReadBps}}{{.Path}}={{.Rate}}"
                                       "{{end}} {{json .HostConfig.BlkioDeviceWriteBps}} "
                                       "{{range .HostConfig.BlkioDeviceWriteIOps}}{{.Path}}={{.Rate}}{{end}}' %n",
         setup=f"{CREATE} --device-read-bps {DISK}:1mb --device-write-iops {DISK}:100 %i true", cleanup=RM),
    case("flags-device-bps-bad-path", f"{RUN} --device-read-bps sda:1m %i true",
         says="bad format for device path: sda:1m"),
    case("flags-device-bps-bad-rate", f"{RUN} --device-read-bps {DISK}:abc %i true",
         says="invalid rate for device"),
    case("flags-device-iops-fraction", f"{RUN} --device-write-iops {DISK}:1.5 %i true",
         says="number must be a positive integer"),
    # --pids-limit: 0 or less is unlimited
    case("flags-pids-limit-unlimited", f"{RUN} --pids-limit -1 %i cat /sys/fs/cgroup/pids/pids.max"),
    case("flags-pids-limit-negative", f"{RUN} --pids-limit -5 %i cat /sys/fs/cgroup/pids/pids.max"),
    case("flags-pids-limit-unlimited-inspect", _hc("PidsLimit"),
         setup=f"{CREATE} --pids-limit -1 %i true", cleanup=RM),
    # --oom-score-adj
    case("flags-oom-score-adj", f"{RUN} --oom-score-adj 300 %i cat /proc/self/oom_score_adj"),
    case("flags-oom-score-adj-child", f"{RUN} --oom-score-adj 200 %i sh -c 'cat /proc/self/oom_score_adj'"),
    case("flags-oom-score-adj-range", f"{RUN} --oom-score-adj 1001 %i true",
         says="invalid value 1001, range for oom score adj is [-1000, 1000]"),
    case("flags-oom-score-adj-inspect", _hc("OomScoreAdj"), setup=f"{CREATE} --oom-score-adj 5 %i true",
         cleanup=RM),
    # --shm-size
    case("flags-shm-size", f"{RUN} --shm-size 128m %i df -k /dev/shm"),
    case("flags-shm-size-default", f"{RUN} %i df -k /dev/shm"),
    case("flags-shm-size-zero", f"{RUN} --shm-size 0 %i df -k /dev/shm"),
    case("flags-shm-size-negative", f"{RUN} --shm-size -1 %i true", says="invalid"),
    case("flags-shm-size-bad", f"{RUN} --shm-size 1x %i true", says="invalid"),
    case("flags-shm-size-inspect", _hc("ShmSize"), setup=f"{CREATE} --shm-size 1g %i true", cleanup=RM),
    case("flags-shm-size-default-inspect", _hc("ShmSize"), setup=f"{CREATE} %i true", cleanup=RM),
    # --device, --device-cgroup-rule
    case("flags-device", f"{RUN} --device {DISK} %i stat -c '%F %t:%T %a %U:%G' {DISK}"),
    case("flags-device-renamed", f"{RUN} --device {DISK}:/dev/xdisk %i stat -c '%t:%T %a %U' /dev/xdisk"),
    case("flags-device-char", f"{RUN} --device /dev/kmsg %i stat -c '%F %t:%T' /dev/kmsg"),
    case("flags-device-read-only", f"{RUN} --device {DISK}:/dev/xdisk:r %i sh -c "
                                   "'head -c 512 /dev/xdisk | wc -c; echo x > /dev/xdisk || echo refused'"),
    case("flags-device-allowed", f"{RUN} --device {DISK}:/dev/xdisk:r %i sh -c "
                                 "'tail -1 /sys/fs/cgroup/devices/devices.list'"),
    case("flags-device-missing", f"{RUN} --device /dev/nosuch-compat %i true",
         says="error gathering device information while adding custom device"),
    case("flags-device-bad-mode", f"{RUN} --device {DISK}:/dev/xdisk:rx %i true", says="bad mode specified: rx"),
    case("flags-device-relative", f"{RUN} --device {DISK}:xdisk %i true", says="xdisk is not an absolute path"),
    case("flags-device-inspect", "inspect -f '{{range .HostConfig.Devices}}{{.PathOnHost}}>{{.PathInContainer}}"
                                 ":{{.CgroupPermissions}} {{end}}' %n",
         setup=f"{CREATE} --device {DISK}:/dev/xdisk:r --device /dev/kmsg %i true", cleanup=RM),
    case("flags-device-none-inspect", _hc("Devices", "DeviceCgroupRules"), setup=f"{CREATE} %i true", cleanup=RM),
    case("flags-device-cgroup-rule", f"{RUN} --device-cgroup-rule 'c 1:11 r' %i sh -c "
                                     "'mknod /dev/k c 1 11 && head -c 0 /dev/k && echo opened'"),
    case("flags-device-cgroup-rule-denied", f"{RUN} %i sh -c 'mknod /dev/k c 1 11 && head -c 0 /dev/k && echo opened'"),
    case("flags-device-cgroup-rule-bad", f"{RUN} --device-cgroup-rule 'x 1:3 mr' %i true",
         says="invalid device cgroup format 'x 1:3 mr'"),
    case("flags-device-cgroup-rule-short", f"{RUN} --device-cgroup-rule 'c 1:3' %i true",
         says="invalid device cgroup format 'c 1:3'"),
    case("flags-device-cgroup-rule-inspect", _hc("DeviceCgroupRules"),
         setup=f"{CREATE} --device-cgroup-rule 'c 1:11 r' --device-cgroup-rule 'b *:* m' %i true", cleanup=RM),
    # --ulimit (the soft and hard limits the process sees)
    case("flags-ulimit-nofile", f"{RUN} --ulimit nofile=512:1024 %i sh -c 'ulimit -Sn; ulimit -Hn'"),
    case("flags-ulimit-nproc", f"{RUN} --ulimit nproc=100 %i sh -c 'ulimit -Su; ulimit -Hu'"),
    case("flags-ulimit-bad", f"{RUN} --ulimit nofile %i true", says="invalid"),
    case("flags-ulimit-unknown", f"{RUN} --ulimit nosuch=1 %i true", says="invalid ulimit type: nosuch"),
    # --label-file (a system file of KEY=VALUE lines both engines read), --label over it
    case("flags-label-file", "inspect -f '{{index .Config.Labels \"ID\"}} {{index .Config.Labels \"NAME\"}}' %n",
         setup=f"{CREATE} --label-file /etc/os-release --label NAME=mine %i true", cleanup=RM),
    case("flags-label-file-count", "inspect -f '{{len .Config.Labels}}' %n",
         setup=f"{CREATE} --label-file /etc/os-release %i true", cleanup=RM),
    case("flags-label-file-missing", f"{RUN} --label-file /nonexistent-compat/labels %i true",
         says="open /nonexistent-compat/labels: no such file or directory"),
    # --cidfile (the file cannot be the same on both engines at once: its refusals only)
    case("flags-cidfile-exists", f"{RUN} --cidfile /etc/hostname %i true", says="container id file found"),
    case("flags-cidfile-exists-create", "create --network none --name %n --cidfile /etc/hostname %i true",
         says="container id file found", cleanup="rm -f %n"),
    case("flags-cidfile-no-dir", f"{RUN} --cidfile /nonexistent-compat/cid %i true",
         says="failed to create the container id file"),
    # --platform: linux/amd64 runs, anything else is refused
    case("flags-platform-amd64", f"{RUN} --platform linux/amd64 %i echo ok"),
    case("flags-platform-arch-alone", f"{RUN} --platform amd64 %i echo ok"),
    case("flags-platform-other", f"{RUN} --platform linux/arm64 %i echo ok"),
    case("flags-platform-bad", f"{RUN} --platform bogus %i true", says="error parsing specified platform"),
    # --log-driver json-file, local, none
    case("flags-log-driver-local", f"{RUN} --log-driver local %i echo hi"),
    case("flags-log-driver-local-logs", "logs %n", setup=f"run --network none --name %n --log-driver local %i echo hi",
         cleanup=RM),
    case("flags-log-driver-none-run", f"{RUN} --log-driver none %i echo hi"),
    case("flags-log-driver-none-logs", "logs %n", setup=f"run --network none --name %n --log-driver none %i echo hi",
         cleanup=RM, says="configured logging driver does not support reading"),
    case("flags-log-driver-inspect", "inspect -f '{{.HostConfig.LogConfig.Type}} {{len .HostConfig.LogConfig.Config}}' "
                                     "%n", setup=f"{CREATE} --log-driver none %i true", cleanup=RM),
    case("flags-log-driver-json-file-inspect", "inspect -f '{{.HostConfig.LogConfig.Type}}' %n",
         setup=f"{CREATE} --log-driver json-file %i true", cleanup=RM),
    case("flags-log-driver-local-opt", "inspect -f '{{.HostConfig.LogConfig.Type}} "
                                       "{{index .HostConfig.LogConfig.Config \"max-size\"}}' %n",
         setup=f"{CREATE} --log-driver local --log-opt max-size=1m %i true", cleanup=RM),
    case("flags-log-driver-unknown", f"{RUN} --log-driver bogus %i true",
         says='error looking up logging plugin bogus: plugin "bogus" not found'),
    case("flags-log-driver-none-opts", f"{RUN} --log-driver none --log-opt max-size=1m %i true",
         says="invalid logging opts for driver none"),
    # --mount type=bind|volume|tmpfs
    case("flags-mount-bind", f"{RUN} --mount type=bind,source=/etc,target=/m %i cat /m/hostname"),
    case("flags-mount-bind-readonly", f"{RUN} --mount type=bind,src=/etc,dst=/m,readonly %i sh -c "
                                      "'touch /m/compat-x 2>/dev/null; echo $?'"),
    case("flags-mount-bind-ro-false", f"{RUN} --mount type=bind,src=/etc,dst=/m,ro=false %i sh -c "
                                      "'grep \" /m \" /proc/mounts | cut -d\" \" -f4 | cut -d, -f1'"),
    case("flags-mount-bind-missing", f"{RUN} --mount type=bind,source=/nonexistent-compat,target=/m %i true",
         says="bind source path does not exist: /nonexistent-compat"),
    case("flags-mount-bind-no-source", f"{RUN} --mount type=bind,target=/m %i true",
         says="field source must not be empty"),
    case("flags-mount-no-target", f"{RUN} --mount type=bind,source=/etc %i true", says="target is required"),
    case("flags-mount-unknown-key", f"{RUN} --mount type=bind,source=/etc,target=/m,foo=bar %i true",
         says="unexpected key 'foo' in 'foo=bar'"),
    case("flags-mount-unknown-type", f"{RUN} --mount type=bogus,target=/m %i true", says="mount type unknown"),
    case("flags-mount-path-as-volume", f"{RUN} --mount source=/etc,target=/m %i true",
         says="includes invalid characters for a local volume name"),
    case("flags-mount-tmpfs", f"{RUN} --mount type=tmpfs,target=/t,tmpfs-size=1m %i sh -c "
                              "'df -k /t | tail -1; grep \" /t \" /proc/mounts'"),
    case("flags-mount-tmpfs-mode", f"{RUN} --mount type=tmpfs,target=/t,tmpfs-mode=1770 %i stat -c %a /t"),
    case("flags-mount-volume", "run --rm --network none -v %v:/v %i cat /v/f",
         setup=f"{RUN} --mount type=volume,source=%v,target=/v %i sh -c 'echo kept > /v/f'",
         cleanup="volume rm %v"),
    case("flags-mount-volume-copy", f"{RUN} --mount type=volume,source=%v,target=/etc %i test -f /etc/passwd",
         cleanup="volume rm %v"),
    case("flags-mount-volume-nocopy", f"{RUN} --mount type=volume,source=%v,target=/etc,volume-nocopy %i "
                                      "ls /etc", cleanup="volume rm %v"),
    case("flags-mount-anonymous", f"{RUN} --mount type=volume,target=/v %i sh -c "
                                  "'grep -c \" /v \" /proc/mounts'"),
    # --pid, --ipc, --uts: the host's namespaces
    case("flags-pid-host", f"{RUN} --pid host %i cat /proc/1/comm"),
    case("flags-pid-host-ns", f"{RUN} --pid host %i sh -c 'readlink /proc/self/ns/pid'"),
    case("flags-pid-own", f"{RUN} %i cat /proc/1/comm"),
    case("flags-pid-bad", f"{RUN} --pid bogus %i true", says="--pid: invalid pid mode"),
    case("flags-uts-host", f"{RUN} --uts host %i hostname"),
    case("flags-uts-host-hostname", f"{RUN} --uts host -h foo %i true",
         says="conflicting options: hostname and the uts mode"),
    case("flags-uts-bad", f"{RUN} --uts bogus %i true", says="--uts: invalid uts mode"),
    case("flags-ipc-host", f"{RUN} --ipc host %i sh -c 'readlink /proc/self/ns/ipc; grep -c \" /dev/shm \" "
                           "/proc/mounts'"),
    case("flags-ipc-none", f"{RUN} --ipc none %i sh -c 'grep -c \" /dev/shm \" /proc/mounts'"),
    case("flags-ipc-shareable", f"{RUN} --ipc shareable %i sh -c 'grep -c \" /dev/shm \" /proc/mounts'"),
    case("flags-ipc-bad", f"{RUN} --ipc bogus %i true", says="invalid ipc mode: bogus"),
    case("flags-namespace-modes-inspect", "inspect -f '{{.HostConfig.PidMode}}|{{.HostConfig.IpcMode}}|"
                                          "{{.HostConfig.UTSMode}}' %n",
         setup=f"{CREATE} --pid host --ipc host --uts host %i true", cleanup=RM),
    case("flags-namespace-modes-default-inspect", "inspect -f '{{.HostConfig.PidMode}}|{{.HostConfig.IpcMode}}|"
                                                  "{{.HostConfig.UTSMode}}' %n",
         setup=f"{CREATE} %i true", cleanup=RM),
    case("flags-ipc-shareable-inspect", "inspect -f '{{.HostConfig.IpcMode}}' %n",
         setup=f"{CREATE} --ipc shareable %i true", cleanup=RM),
    # --volumes-from
    case("flags-volumes-from", f"{RUN} --volumes-from %m %i sh -c 'cat /data/f; ls /b/hostname'",
         setup=(f"create --network none --name %m -v %v:/data -v /etc:/b:ro --tmpfs /t %i true",
                f"{RUN} -v %v:/data %i sh -c 'echo shared > /data/f'"),
         cleanup=("rm -f %m", "volume rm %v")),
    case("flags-volumes-from-modes", f"{RUN} --volumes-from %m %i sh -c "
                                     "'grep -E \" /(data|b|t) \" /proc/mounts | cut -d\" \" -f2,4 | cut -d, -f1 "
                                     "| sort'",  # Docker mounts them in a Go map's order
         setup=f"create --network none --name %m -v %v:/data -v /etc:/b:ro --tmpfs /t %i true",
         cleanup=("rm -f %m", "volume rm %v")),
    case("flags-volumes-from-ro", f"{RUN} --volumes-from %m:ro %i sh -c 'touch /data/x 2>/dev/null; echo $?'",
         setup=f"create --network none --name %m -v %v:/data %i true", cleanup=("rm -f %m", "volume rm %v")),
    case("flags-volumes-from-missing", f"{RUN} --volumes-from nosuch-compat %i true",
         says="no such container: nosuch-compat"),
    case("flags-volumes-from-bad-mode", f"{RUN} --volumes-from %m:bogus %i true",
         setup=f"create --network none --name %m %i true", cleanup="rm -f %m", says="invalid mode: bogus"),
    case("flags-volumes-from-inspect", "inspect -f '{{json .HostConfig.VolumesFrom}} {{len .Mounts}}' %n",
         setup=(f"create --network none --name %m -v %v:/data %i true", f"{CREATE} --volumes-from %m %i true"),
         cleanup=("rm -f %n", "rm -f %m", "volume rm %v")),
    # --expose
    case("flags-expose", "inspect -f '{{range $p, $v := .Config.ExposedPorts}}{{$p}} {{end}}' %n",
         setup=f"{CREATE} --expose 80 --expose 90-91/udp %i true", cleanup=RM),
    case("flags-expose-ports-none", "inspect -f '{{json .NetworkSettings.Ports}}' %n",
         setup=f"{CREATE} --expose 80 %i true", cleanup=RM),
    case("flags-expose-bad", f"{RUN} --expose abc %i true", says="invalid range format for --expose: abc"),
    case("flags-expose-too-high", f"{RUN} --expose 70000 %i true", says="value out of range"),
    case("flags-expose-ps", "ps -a --format '{{.Ports}}' --filter name=%n", setup=f"{CREATE} --expose 80 %i true",
         cleanup=RM),
    # --kernel-memory: deprecated, kept, not applied (runc ignores it)
    case("flags-kernel-memory", f"{RUN} --kernel-memory 64m %i cat {MEM}/memory.kmem.limit_in_bytes"),
    case("flags-kernel-memory-inspect", _hc("KernelMemory"), setup=f"{CREATE} --kernel-memory 64m %i true",
         cleanup=RM),
    case("flags-kernel-memory-low", f"{RUN} --kernel-memory 1k %i true",
         says="minimum kernel memory limit allowed is"),
    case("flags-kernel-memory-bad", f"{RUN} --kernel-memory 1x %i true", says="invalid"),
    # --detach-keys: a valid sequence changes nothing for a run without -it
    case("flags-detach-keys", f"{RUN} --detach-keys ctrl-x,y %i echo hi"),
    # every limit's zero value, as Docker prints it
    case("flags-limits-defaults", _hc(*LIMIT_KEYS), setup=f"{CREATE} %i true", cleanup=RM),
    # update: the same limits on a running container, and --restart
    case("flags-update-memory-swap", f"exec %n cat {MEM}/memory.memsw.limit_in_bytes",
         setup=(f"{UP} -m 64m %i sleep 60", "update --memory-swap 256m %n"), cleanup=RM),
    case("flags-update-cpuset", f"exec %n cat {CPUSET}/cpuset.cpus",
         setup=(f"{UP} %i sleep 60", "update --cpuset-cpus 0 %n"), cleanup=RM),
    case("flags-update-cpu-quota", f"exec %n cat {CPU}/cpu.cfs_quota_us {CPU}/cpu.cfs_period_us",
         setup=(f"{UP} %i sleep 60", "update --cpu-period 50000 --cpu-quota 30000 %n"), cleanup=RM),
    case("flags-update-pids-unlimited", "exec %n cat /sys/fs/cgroup/pids/pids.max",
         setup=(f"{UP} --pids-limit 20 %i sleep 60", "update --pids-limit -1 %n"), cleanup=RM),
    case("flags-update-output", "update --memory-swap 256m --cpuset-cpus 0 %n",
         setup=f"{UP} -m 64m %i sleep 60", cleanup=RM),
    case("flags-update-restart", "inspect -f '{{.HostConfig.RestartPolicy.Name}}:"
                                 "{{.HostConfig.RestartPolicy.MaximumRetryCount}}' %n",
         setup=(f"{CREATE} %i true", "update --restart on-failure:3 %n"), cleanup=RM),
    case("flags-update-restart-always", "update --restart always %n", setup=f"{CREATE} %i true", cleanup=RM),
    case("flags-update-restart-auto-remove", "update --restart always %n",
         setup=f"{CREATE} --rm %i true", cleanup=RM,
         says="restart policy cannot be updated because autoremove is enabled for the container"),
    case("flags-update-restart-bad", "update --restart bogus %n", setup=f"{CREATE} %i true", cleanup=RM,
         says="invalid restart policy"),
    case("flags-update-cpus-over-period", "update --cpus 0.5 %n",
         setup=f"{UP} --cpu-period 50000 %i sleep 60", cleanup=RM,
         says="nano cpus cannot be updated as cpu period has already been set"),
    case("flags-update-quota-over-cpus", "update --cpu-quota 20000 %n",
         setup=f"{UP} --cpus 1 %i sleep 60", cleanup=RM,
         says="cpu quota cannot be updated as nanocpus has already been set"),
    case("flags-update-memory-above-swap", "update -m 512m %n",
         setup=(f"{UP} -m 64m --memory-swap 256m %i sleep 60"), cleanup=RM,
         says="memory limit should be smaller than already set memoryswap limit"),
    case("flags-update-inspect", _hc("Memory", "MemorySwap", "CpusetCpus", "CpuQuota"),
         setup=(f"{UP} -m 64m %i sleep 60", "update -m 96m --memory-swap 200m --cpuset-cpus 0 --cpu-quota 40000 %n"),
         cleanup=RM),
]
