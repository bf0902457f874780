"""run/create's last flags (issue 12, H7): -a/--attach (which streams run
shows, Config.Attach* as Docker's CLI sets them with -i and -d),
--storage-opt (refused as overlay2 without xfs pquota), --volume-driver,
--userns, --cgroup-parent (inspect only: a started container would make
cgroups outside the engines' parents), --ip6 and --link-local-ip on the none
network. docker 28's --annotation, -q, --health-start-interval and
--use-api-socket are not in docker 20.10's CLI: tests/cli/test_run_more.py."""
from tests.compat.case import case

RUN = "run --rm --network none"
CREATE = "create --network none --name %n"
RM = "rm -f %n"
OUT_ERR = "sh -c 'echo out; echo err >&2'"
ATTACH = ("inspect -f '{{.Config.AttachStdin}} {{.Config.AttachStdout}} {{.Config.AttachStderr}} "
          "{{.Config.OpenStdin}} {{.Config.StdinOnce}}' %n")


def _hc(*keys: str) -> str:
    return "inspect -f '" + " ".join("{{json .HostConfig.%s}}" % k for k in keys) + "' %n"


IPAM = "inspect -f '{{json .NetworkSettings.Networks.none.IPAMConfig}}' %n"


def _attach(cid: str, flags: str, setup_verb: str = CREATE):
    return case(f"run-more-attach-inspect-{cid}", ATTACH, setup=f"{setup_verb} {flags} %i true", cleanup=RM)


CASES = [
    # -a: the streams shown
    case("run-more-attach-stdout", f"{RUN} -a stdout %i {OUT_ERR}"),
    case("run-more-attach-stderr", f"{RUN} -a stderr %i {OUT_ERR}", says=("err",)),
    case("run-more-attach-upper-case", f"{RUN} -a STDOUT %i {OUT_ERR}"),
    case("run-more-attach-both", f"{RUN} -a stdout -a stderr %i {OUT_ERR}", says=("err",)),
    case("run-more-attach-stdin-prints-id", "run --network none --name %n -a stdin %i true", cleanup=RM),
    case("run-more-attach-stdin-exit-code", "run --network none --name %n -a stdin %i sh -c 'exit 3'",
         cleanup=RM),
    case("run-more-attach-bad", f"{RUN} -a foo %i true",
         says=('invalid argument "foo" for "-a, --attach" flag: valid streams are stdin, stdout and stderr',)),
    case("run-more-attach-create-bad", "create --network none --name %n -a stdio %i true",
         says=("valid streams are",), cleanup="rm -f %n"),
    case("run-more-attach-detached", "run -d --network none -a stdout %i true",
         says=("conflicting options: -a and -d",)),
    case("run-more-attach-i-stdout", f"{RUN} -i -a stdout %i sh -c 'cat; echo err >&2'", stdin="hello\n"),
    case("run-more-attach-i-stderr", f"{RUN} -i -a stderr %i sh -c 'cat; echo err >&2'", stdin="hello\n",
         says=("err",)),
    # -a, -i, -d: Config.Attach* as Docker's CLI sets them
    _attach("create-default", ""),
    _attach("create-stdout", "-a stdout"),
    _attach("create-stderr", "-a stderr"),
    _attach("create-stdin", "-a stdin"),
    _attach("create-i", "-i"),
    _attach("create-i-stdout", "-i -a stdout"),
    _attach("create-i-stdin", "-i -a stdin"),
    _attach("run-stdout", "-a stdout", "run --network none --name %n"),
    _attach("run-detached-i", "-i", "run -d --network none --name %n"),
    # --storage-opt: overlay without xfs project quotas refuses them all
    case("run-more-storage-opt-size", f"{RUN} --storage-opt size=10m %i true",
         says=("--storage-opt is supported only for overlay over xfs with 'pquota' mount option",)),
    case("run-more-storage-opt-create", "create --network none --name %n --storage-opt size=1g %i true",
         says=("--storage-opt is supported only for overlay",), cleanup="rm -f %n"),
    case("run-more-storage-opt-no-value", f"{RUN} --storage-opt size %i true", says=("invalid storage option",)),
    # --volume-driver: kept; a volume of a driver that is not there fails
    case("run-more-volume-driver-kept", _hc("VolumeDriver"), setup=f"{CREATE} --volume-driver foo %i true",
         cleanup=RM),
    case("run-more-volume-driver-local", _hc("VolumeDriver", "Binds"),
         setup=f"{CREATE} --volume-driver local -v %v:/data %i true", cleanup=(RM, "volume rm %v")),
    case("run-more-volume-driver-missing", f"{RUN} --volume-driver foo -v %v:/data %i true"),
    # named and removed: both engines may keep the container whose volume failed
    case("run-more-volume-driver-missing-create", "create --network none --name %n --volume-driver foo -v /data %i true",
         cleanup="rm -f %n"),
    case("run-more-volume-driver-bind", f"{RUN} --volume-driver foo -v /etc:/x:ro %i ls /x/hostname"),
    # --userns: host (no remapping) or nothing
    case("run-more-userns-host", _hc("UsernsMode"), setup=f"{CREATE} --userns host %i true", cleanup=RM),
    case("run-more-userns-empty", _hc("UsernsMode"), setup=f"{CREATE} --userns '' %i true", cleanup=RM),
    case("run-more-userns-bad", f"{RUN} --userns private %i true", says=("--userns: invalid user mode",)),
    case("run-more-userns-host-map", f"{RUN} --userns host %i cat /proc/self/uid_map"),
    # --cgroup-parent: as given. Relative ones only: doca makes a container's
    # cgroups at create, and an absolute parent is outside the engines' own.
    case("run-more-cgroup-parent-relative", _hc("CgroupParent"),
         setup=f"{CREATE} --cgroup-parent doca-compat/sub %i true", cleanup=RM),
    case("run-more-cgroup-parent-one-level", _hc("CgroupParent"),
         setup=f"{CREATE} --cgroup-parent doca-compat-one %i true", cleanup=RM),
    case("run-more-cgroup-parent-default", _hc("CgroupParent"), setup=f"{CREATE} %i true", cleanup=RM),
    # --ip6, --link-local-ip: the none network keeps them as given
    case("run-more-ip6-none", IPAM, setup=f"{CREATE} --ip6 2001:db8::33 %i true", cleanup=RM),
    case("run-more-link-local-none", IPAM, setup=f"{CREATE} --link-local-ip 169.254.1.1 %i true", cleanup=RM),
    case("run-more-ip6-link-local-none", IPAM,
         setup=f"{CREATE} --ip6 2001:db8::33 --link-local-ip 169.254.1.1 --link-local-ip fe80::1 %i true",
         cleanup=RM),
    case("run-more-ipam-none-default", IPAM, setup=f"{CREATE} %i true", cleanup=RM),
    case("run-more-ip6-bad", f"{RUN} --ip6 foo %i true", says=("invalid ipv6 address: foo",)),
    case("run-more-ip6-bad-create", "create --network none --name %n --ip6 2001:db8::zz %i true",
         says=("invalid ipv6 address",), cleanup="rm -f %n"),
]
