"""build's limits and options of the RUN steps' containers (docker 20.10's
classic builder applies them to every RUN), observed from inside the image
a RUN wrote them into; builder prune --filter; commit of an unchanged
container. Each build's Dockerfile is its own (no step another case could
have cached: neither builder keys a step on its limits) and --no-cache."""
from tests.compat.case import case

RMI = "rmi -f %n:b"
ONLY_FROM = "FROM busybox:latest\n"


def _built(flags: str, run: str):
    """set-up lines and their Dockerfile: a build with `flags` whose RUN
    writes what the step's container saw into /out."""
    return (f"build -q --no-cache --network none {flags} -t %n:b -",), f"FROM busybox:latest\nRUN {run} > /out\n"


def _observed(id_: str, flags: str, run: str):
    setup, dockerfile = _built(flags, run)
    return case(id_, "run --rm --network none %n:b cat /out", setup=setup, setup_stdin=dockerfile, cleanup=RMI)


def _refused(id_: str, flags: str, says: str, dockerfile: str = ONLY_FROM):
    # docker 20.10's classic builder may leave the RUN's container it made
    # (even with --force-rm, when the step failed before it started): pruned,
    # or later cases' `ps -a` list it
    return case(id_, f"build -q --no-cache --network none {flags} -t %n:b -", stdin=dockerfile,
                cleanup=(RMI, "container prune -f"), says=says)


CASES = [
    # the limits reach each RUN's container
    _observed("build-run-memory", "-m 64m --memory-swap 96m",
              "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
    _observed("build-run-memory-swap-unlimited", "-m 48m --memory-swap -1",
              "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
    _observed("build-run-cpu", "-c 512 --cpu-period 50000 --cpu-quota 25000 --cpuset-cpus 0",
              "cd /sys/fs/cgroup && cat cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus"),
    _observed("build-run-shm-size", "--shm-size 32m", "df -k /dev/shm | tail -1"),
    _observed("build-run-ulimit", "--ulimit nofile=100:200 --ulimit nproc=300",
              "sh -c 'ulimit -n; ulimit -Hn; ulimit -u'"),
    # its own /etc/hosts, with --add-host's lines (no line of its own without a network)
    _observed("build-run-add-host", "--add-host a:10.0.0.1 --add-host b.example:10.0.0.2", "cat /etc/hosts"),
    _observed("build-run-etc-hosts", "", "cat /etc/hosts"),
    # no RUN, or every RUN cached: no container, the limits are not checked (Docker's daemon checks them
    # when it creates a RUN's container)
    case("build-memory-too-small-no-run", "build -q -m 1k -t %n:b -", stdin=ONLY_FROM, cleanup=RMI),
    _refused("build-memory-too-small", "-m 1k", ("minimum", "memory"), "FROM busybox:latest\nRUN echo small\n"),
    _refused("build-memory-swap-below-memory", "-m 20m --memory-swap 10m",
             "Minimum memoryswap limit should be larger than memory limit", "FROM busybox:latest\nRUN echo swap\n"),
    _refused("build-memory-swap-alone", "--memory-swap 10m",
             "You should always set the Memory limit when using Memoryswap limit", "FROM busybox:latest\nRUN echo a\n"),
    _refused("build-cpu-period-bad", "--cpu-period 10", "CPU cfs period can not be less than 1ms",
             "FROM busybox:latest\nRUN echo period\n"),
    _refused("build-cpu-quota-bad", "--cpu-quota 10", "CPU cfs quota can not be less than 1ms",
             "FROM busybox:latest\nRUN echo quota\n"),
    _refused("build-cpuset-cpus-bad", "--cpuset-cpus x", "Invalid value x for cpuset cpus",
             "FROM busybox:latest\nRUN echo cpus\n"),
    _refused("build-cpuset-cpus-unavailable", "--cpuset-cpus 99", "Requested CPUs are not available",
             "FROM busybox:latest\nRUN echo cpus99\n"),
    _refused("build-network-missing", "--network nosuch-compat", "network nosuch-compat not found",
             "FROM busybox:latest\nRUN echo net\n"),
    _refused("build-security-opt", "--security-opt no-new-privileges",
             "does not support setting security options on build"),
    # what Docker's client refuses before sending anything (exit 125)
    _refused("build-memory-bad", "-m lots", "invalid size: 'lots'"),
    _refused("build-memory-swap-bad", "-m 10m --memory-swap lots", "invalid size: 'lots'"),
    _refused("build-shm-size-negative", "--shm-size -1", "invalid size: '-1'"),
    _refused("build-ulimit-bad", "--ulimit nofile", "invalid ulimit argument: nofile"),
    _refused("build-ulimit-type-bad", "--ulimit nosuch=1", "invalid ulimit type: nosuch"),
    _refused("build-ulimit-soft-above-hard", "--ulimit nofile=2:1",
             "ulimit soft limit must be less than or equal to hard limit: 2 > 1"),
    _refused("build-ulimit-not-a-number", "--ulimit nofile=1:x", 'parsing "x": invalid syntax'),
    _refused("build-add-host-bad", "--add-host nocolon", 'bad format for add-host: "nocolon"'),
    _refused("build-add-host-bad-ip", "--add-host a:b", 'invalid IP address in add-host: "b"'),
    _refused("build-cpu-shares-bad", "-c lots", 'parsing "lots": invalid syntax'),
    # --network host: the host's own network, as Docker's classic builder
    case("build-network-host", "run --rm --network none %n:b cat /out",
         setup="build -q --no-cache --network host -t %n:b -",
         setup_stdin="FROM busybox:latest\nRUN echo on-the-host > /out\n", cleanup=RMI),
]

# -- commit of a container that changed nothing: no layer (an empty_layer history entry), the
# parent's diff ids as they are; the runtime's mount points (/etc/hostname, /etc/resolv.conf the
# image lacks) are not changes (Docker keeps them in the init layer)
CREATED = ("create --network none --name %n %i true", "commit %n %n:img")
RAN = ("run --network none --name %n %i true", "commit %n %n:img")
UNCOMMIT = ("rm -f %n", "rmi -f %n:img")
CASES += [
    case("commit-unchanged-history", "history --format '{{.CreatedBy}} {{.Size}}' %n:img", setup=CREATED,
         cleanup=UNCOMMIT),
    case("commit-unchanged-rmi", "rmi %n:img", setup=CREATED, cleanup=UNCOMMIT),
    case("commit-unchanged-ran-no-layer", "image inspect -f '{{json .RootFS.Layers}}' %n:img", setup=RAN,
         cleanup=UNCOMMIT),
    case("commit-unchanged-ran-rmi", "rmi %n:img", setup=RAN, cleanup=UNCOMMIT),
    case("commit-changed-layer", "image inspect -f '{{len .RootFS.Layers}}' %n:img",
         setup=("run --network none --name %n %i touch /changed", "commit %n %n:img"), cleanup=UNCOMMIT),
]

# -- builder prune --filter: Docker's keys for the build cache, and its daemon's words for the rest
# (the stdout of a prune that runs is each engine's own cache: DIVERGENCES.md)
PRUNE = "builder prune -f"
CASES += [
    case("builder-prune-filter-unused-for", f"{PRUNE} --filter unused-for=1h", ignore="stdout"),
    case("builder-prune-filter-key-case", f"{PRUNE} --filter Until=1h", ignore="stdout"),
    case("builder-prune-filter-label", f"{PRUNE} --filter label=a=b --filter 'label!=c'", ignore="stdout"),
    case("builder-prune-filter-type", f"{PRUNE} -a --filter type=nosuchtype", ignore="stdout"),
    case("builder-prune-filter-id-bad-regexp", f"{PRUNE} --filter 'id=['", ignore="stdout"),
    case("builder-prune-filter-bad-key", f"{PRUNE} --filter foo=bar", says="Invalid filter 'foo'"),
    case("builder-prune-filter-mutable", f"{PRUNE} --filter mutable=true", says="Invalid filter 'mutable'"),
    case("builder-prune-filter-until-bad", f"{PRUNE} --filter until=soon",
         says=("\"until\" filter expects a duration (e.g., '24h')", 'invalid duration "soon"')),
    case("builder-prune-filter-until-no-unit", f"{PRUNE} --filter until=10", says='missing unit in duration "10"'),
    case("builder-prune-filter-until-days", f"{PRUNE} --filter until=2d", says='unknown unit "d" in duration "2d"'),
    case("builder-prune-filter-unused-for-bad", f"{PRUNE} --filter unused-for=x",
         says="\"unused-for\" filter expects a duration"),
    case("builder-prune-filter-until-twice", f"{PRUNE} --filter until=1h --filter until=2h",
         says="filters expect only one value"),
    case("builder-prune-filter-description-twice", f"{PRUNE} --filter description=a --filter description=b",
         says="filters expect only one value"),
    case("builder-prune-filter-until-and-unused-for", f"{PRUNE} --filter until=1h --filter unused-for=1h",
         says='conflicting filters: "until" and "unused-for"'),
    case("builder-prune-filter-bad-format", f"{PRUNE} --filter nope",
         says="bad format of filter (expected name=value)"),
    case("builder-prune-keep-storage-size", f"{PRUNE} --keep-storage 10g", ignore="stdout"),
    case("builder-prune-all-keep-storage", f"{PRUNE} -a --keep-storage 1.5GB", ignore="stdout"),
    case("builder-prune-keep-storage-negative", f"{PRUNE} --keep-storage -1", says="invalid size: '-1'"),
]

# -- FROM an image and nothing else: the classic builder gives that image itself (no new image, no child)
FROM_ONLY = ("build -q -t %n:b -",)
CASES += [
    case("build-from-only-parent", "image inspect -f '[{{.Parent}}]' %n:b", setup=FROM_ONLY, setup_stdin=ONLY_FROM,
         cleanup=RMI),
    case("build-from-only-rmi", "rmi %n:b", setup=FROM_ONLY, setup_stdin=ONLY_FROM, cleanup=RMI),
    case("build-from-only-label-parent", "image inspect -f '{{if .Parent}}child{{end}}' %n:b",
         setup="build -q --label a=b -t %n:b -", setup_stdin=ONLY_FROM, cleanup=RMI),
]

# -- a RUN that changed nothing (its /etc files and mount points are not changes): no layer
CASES += [
    case("build-run-unchanged-no-layer", "image inspect -f '{{len .RootFS.Layers}}' %n:b",
         setup="build -q --no-cache --network none --add-host q:10.0.0.3 -t %n:b -",
         setup_stdin="FROM busybox:latest\nRUN cat /etc/hosts /etc/hostname /etc/resolv.conf > /dev/null\n",
         cleanup=RMI),
]

# -- the RUN's environment: HOSTNAME (its container's name), HOME, PATH as Docker's daemon gives them
CASES += [
    _observed("build-run-env", "", "env | sort"),
    _observed("build-run-env-hostname-is-hostname", "", "sh -c 'test \"$HOSTNAME\" = \"$(hostname)\" && echo same'"),
]
