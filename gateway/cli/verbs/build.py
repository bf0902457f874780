"""Declarations of `build` and `builder build|prune` (parsers only), apart
from the other image verbs: a build's CLI start-up then declares these
three alone (the image group's dozens of subparsers cost ~3 ms a call)."""
from gateway.cli.verbs import verb


def _build(sub, name="build"):
    p = verb(sub, name, "build:build", "build an image from a Dockerfile")
    p.add_argument("-t", "--tag", action="append", default=[], metavar="NAME[:TAG]")
    p.add_argument("-f", "--file", default="", help="the Dockerfile (default CONTEXT/Dockerfile; - for stdin)")
    p.add_argument("--build-arg", action="append", default=[], metavar="KEY=VALUE")
    # dest: the parser keeps the verb's handler under "target".
    p.add_argument("--target", dest="stage", default="", help="the stage to build")
    p.add_argument("--no-cache", action="store_true", help="run every step again")
    p.add_argument("--pull", action="store_true", help="always attempt to pull a newer version of the images")
    p.add_argument("--label", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--network", default="default",
                   help="RUN steps' network: default (the bridge), none, host, or a network's name")
    p.add_argument("--progress", default="auto", choices=("auto", "plain", "tty", "quiet"),
                   help="auto, plain and tty all print one line per step; quiet as -q")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the image id")
    # Docker's flags that change nothing here, accepted so that its scripts run: intermediate
    # containers are always removed, the context does not cross a network, no content trust.
    p.add_argument("--rm", action="store_true", help="accepted: intermediate containers are always removed")
    p.add_argument("--force-rm", action="store_true", help="accepted: intermediate containers are always removed")
    p.add_argument("--compress", action="store_true", help="accepted: the context is sent as it is")
    p.add_argument("--disable-content-trust", action="store_true",
                   help="accepted: doca has no content trust (Docker's default)")
    p.add_argument("--iidfile", default="", help="write the image's id to this file")
    p.add_argument("--platform", default="", help="the image's platform: doca builds linux/amd64 alone")
    p.add_argument("--isolation", default="", help="only default (the only kind on Linux)")
    p.add_argument("--squash", action="store_true", help="not supported (Docker's experimental)")
    # Docker's limits and options of the RUN steps' containers (its classic builder's): each RUN's
    # container takes them (build_flags.py reads them as Docker's client does)
    for names, kind, text in (
            (("--add-host",), "list", "NAME:IP (or host-gateway) in the RUN steps' /etc/hosts"),
            (("--cgroup-parent",), "", "the RUN steps' containers' cgroup parent"),
            (("--cpu-period",), "int", "the RUN steps' CFS period"),
            (("--cpu-quota",), "int", "the RUN steps' CFS quota"),
            (("-c", "--cpu-shares"), "int", "the RUN steps' CPU shares"),
            (("--cpuset-cpus",), "", "the CPUs the RUN steps may use"),
            (("--cpuset-mems",), "", "the memory nodes the RUN steps may use"),
            (("-m", "--memory"), "", "the RUN steps' memory limit"),
            (("--memory-swap",), "", "memory plus swap of the RUN steps (-1: unlimited swap)"),
            (("--security-opt",), "list", "refused on Linux, as Docker's daemon refuses it"),
            (("--shm-size",), "", "the RUN steps' /dev/shm size"),
            (("--ulimit",), "list", "the RUN steps' ulimits")):
        kw = {"action": "append", "default": []} if kind == "list" else {"type": int} if kind == "int" else {}
        p.add_argument(*names, help=text, **kw)
    p.add_argument("--cache-from", action="append", default=[], help="not supported by doca's builder yet: refused")
    p.add_argument("build_context", metavar="CONTEXT", help="a directory, or - (a tar or a Dockerfile on stdin)")


def _builder(sub):
    p = verb(sub, "builder", None, "manage the build cache")
    bsub = p.add_subparsers(dest="builder_verb", metavar="COMMAND")
    bsub.required = True
    _build(bsub)
    p = verb(bsub, "prune", "build:prune", "remove the build cache")
    p.add_argument("-a", "--all", action="store_true",
                   help="also the steps whose layers an image or a container still uses")
    p.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help='filter values (e.g. "until=24h"; also id, parent, type, description)')
    p.add_argument("--keep-storage", default="", help="disk space to keep for the cache (least recently used goes)")


def declare(sub) -> None:
    _build(sub)
    _builder(sub)
