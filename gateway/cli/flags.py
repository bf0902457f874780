"""The command line of the table's verbs, declared once: each option's
strings, how its value is read, its default and help, and where the value
goes in the verb's request. Both readers are built from here: fastargs
(no argparse, for the frequent verbs' start-up) and the argparse parsers
(verbs/: help, usage errors, what fastargs declines); request.py fills the
request from the same entries, and errors.py names the flag of a field.

A new flag of run/create is one Flag below, e.g. a resource limit that
travels as the spec's `memory_swap`:

    Flag(("--memory-swap",), to="memory_swap"),

`to` is a field path in the verb's request message (ContainerConfig for
run/create, UpdateRequest for update, ExecConfig for exec...), dotted for a
nested message ("resources.memory"); `convert` names the function of
convert.py that makes the value what the field holds (the default is the
value as read). Flags without `to` are the CLI's own (run -d, ps --format).

Plain tuples and one small class, no import: this module is on every
frequent call's path.
"""
# How a value is read (argparse's action and type).
FLAG, STR, INT, FLOAT, APPEND, CHOICE, HELP, VERSION = range(8)
# argparse.REMAINDER: a command and its arguments, whatever they look like.
REMAINDER = "..."
# A kind's default unless the entry says otherwise.
_DEFAULTS = {FLAG: False, STR: "", INT: 0, FLOAT: 0.0, APPEND: (), CHOICE: None, HELP: None, VERSION: None}
_UNSET = object()

DEFAULT_HOST = "unix:///run/doca/doca.sock"


def _dest(names) -> str:
    """argparse's dest: the first long option string, else the first."""
    for name in names:
        if name[1] == "-":
            return name[2:].replace("-", "_")
    return names[0][1:].replace("-", "_")


def boolean(text: str) -> bool:
    """A FLAG whose default is True (--sig-proxy): its value as pflag reads
    a bool's (--sig-proxy=false); cmdline knows the type by this name."""
    value = text.lower()
    if value in ("1", "t", "true"):
        return True
    if value in ("0", "f", "false"):
        return False
    raise ValueError(text)


class Flag:
    """One option: read as `kind` into args.<dest>; `to`: its request field."""
    __slots__ = ("names", "dest", "kind", "default", "help", "metavar", "choices", "to", "convert")

    def __init__(self, names, kind=STR, default=_UNSET, help=None, metavar=None, choices=None, to=None,
                 convert=None):
        self.names, self.kind, self.help, self.metavar = names, kind, help, metavar
        self.choices, self.to, self.convert = choices, to, convert
        self.dest = _dest(names)
        self.default = _DEFAULTS[kind] if default is _UNSET else default

    def __repr__(self) -> str:
        return f"Flag({self.names!r}, dest={self.dest!r}, kind={self.kind}, to={self.to!r})"


class Arg:
    """A positional: argparse's nargs (None: one word); `to` as a Flag's."""
    __slots__ = ("dest", "nargs", "to", "metavar", "convert")

    def __init__(self, dest, nargs=None, to=None, metavar=None):
        self.dest, self.nargs, self.to, self.metavar, self.convert = dest, nargs, to, metavar, None


class Verb:
    """target: "module:function" under gateway.cli, the verb's handler."""
    __slots__ = ("target", "help", "flags", "args")

    def __init__(self, target, help, flags, args):
        self.target, self.help, self.flags, self.args = target, help, flags, args


HELP_FLAG = Flag(("-h", "--help"), HELP, help="show this help message and exit")  # argparse's own

# The top-level parser's options (before the verb).
GLOBAL = (
    HELP_FLAG,
    Flag(("-H", "--host"), default=None,
         help=f"gateway: unix:///path or tcp://HOST:PORT (env DOCA_HOST, default {DEFAULT_HOST})"),
    # tcp:// is mutual TLS; as Docker's flags, else ca.pem, cert.pem, key.pem in DOCA_CERT_PATH (default ~/.doca)
    Flag(("--tlscacert",), default=None, help="CA that signed the gateway's certificate"),
    Flag(("--tlscert",), default=None, help="this client's certificate"),
    Flag(("--tlskey",), default=None, help="this client's key"),
    # Docker's other global options, so that scripts written for docker run (main.docker_globals)
    Flag(("--tls",), FLAG, help="use TLS (a tcp:// gateway always does)"),
    Flag(("--tlsverify",), FLAG, help="use TLS and verify the gateway (a tcp:// gateway always does)"),
    Flag(("--config",), default=None, help="where the client's config.json is (registry credentials)"),
    Flag(("-c", "--context"), default=None, help="the context: only \"default\" (the host -H or DOCA_HOST names)"),
    Flag(("-D", "--debug"), FLAG, help="a failure shows where (as DOCA_DEBUG=1)"),
    Flag(("-l", "--log-level"), default=None, help="\"debug\"|\"info\"|\"warn\"|\"error\"|\"fatal\" (the CLI logs nothing)"),
    Flag(("-v", "--version"), VERSION, help="print the client's version and quit"),
)

# The limits `update` changes on a running container, as run/create set them.
RESOURCES = (
    Flag(("-m", "--memory"), to="memory"),
    Flag(("--cpus",), FLOAT, to="cpus"),
    Flag(("-c", "--cpu-shares"), INT, to="cpu_shares"),
    Flag(("--pids-limit",), INT, to="pids_limit"),
    Flag(("--memory-reservation",), to="memory_reservation"),
    Flag(("--memory-swap",), help="memory plus swap (-1: unlimited swap)", to="memory_swap"),
    Flag(("--cpu-period",), INT, help="CFS period, in microseconds", to="cpu_period"),
    Flag(("--cpu-quota",), INT, help="CFS quota, in microseconds", to="cpu_quota"),
    Flag(("--cpu-rt-period",), INT, help="real-time period, in microseconds", to="cpu_rt_period"),
    Flag(("--cpu-rt-runtime",), INT, help="real-time runtime, in microseconds", to="cpu_rt_runtime"),
    Flag(("--cpuset-cpus",), help="CPUs it may use (0-3, 0,1)", to="cpuset_cpus"),
    Flag(("--cpuset-mems",), help="memory nodes it may use (0-3, 0,1)", to="cpuset_mems"),
    Flag(("--blkio-weight",), INT, help="block I/O weight, 10 to 1000", to="blkio_weight", convert="uint16"),
)

# run and create only: the limits Docker's update does not change.
CREATE_RESOURCES = (
    Flag(("--memory-swappiness",), INT, default=None, help="0 to 100 (-1: the kernel's)", to="memory_swappiness"),
    Flag(("--oom-kill-disable",), FLAG, to="oom_kill_disable"),
    Flag(("--blkio-weight-device",), APPEND, metavar="DEVICE:WEIGHT", to="blkio_weight_device"),
    Flag(("--device-read-bps",), APPEND, metavar="DEVICE:RATE", to="device_read_bps"),
    Flag(("--device-write-bps",), APPEND, metavar="DEVICE:RATE", to="device_write_bps"),
    Flag(("--device-read-iops",), APPEND, metavar="DEVICE:RATE", to="device_read_iops"),
    Flag(("--device-write-iops",), APPEND, metavar="DEVICE:RATE", to="device_write_iops"),
    Flag(("--kernel-memory",), help="deprecated (Docker's), kept but not applied", to="kernel_memory"),
    Flag(("--oom-score-adj",), INT, help="the OOM killer's preference, -1000 to 1000", to="oom_score_adj"),
    Flag(("--shm-size",), help="/dev/shm's size (default 64m)", to="shm_size"),
    Flag(("--device",), APPEND, metavar="HOST[:CONTAINER][:PERMS]", help="a host device in the container",
         to="devices"),
    Flag(("--device-cgroup-rule",), APPEND, metavar="'TYPE MAJOR:MINOR ACCESS'",
         help="a rule of the devices cgroup's allow list", to="device_cgroup_rules"),
)

# run and create: the ContainerConfig (-h is --hostname: help is --help alone).
CONTAINER_CONFIG = (
    Flag(("--help",), HELP, help="show this help"),
    Flag(("--name",), to="name"),
    # Before -e: a variable given both ways takes -e's value (the later one).
    Flag(("--env-file",), APPEND, to="env", convert="env_files"),
    Flag(("-e", "--env"), APPEND, to="env", convert="env"),
    *RESOURCES,
    *CREATE_RESOURCES,
    Flag(("--network", "--net"), to="network"),
    Flag(("--network-alias",), APPEND, to="network_aliases"),
    Flag(("--add-host",), APPEND, help="NAME:IP (or host-gateway) in /etc/hosts", to="add_hosts"),
    Flag(("--dns",), APPEND, help="a nameserver for /etc/resolv.conf", to="dns"),
    Flag(("--dns-search",), APPEND, help="a search domain for /etc/resolv.conf", to="dns_search"),
    Flag(("--dns-option",), APPEND, help="an option for /etc/resolv.conf", to="dns_options"),
    Flag(("--ip",), to="ip"),
    Flag(("-p", "--publish"), APPEND, metavar="[IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]", to="publish"),
    Flag(("-P", "--publish-all"), FLAG, to="publish_all"),
    Flag(("--expose",), APPEND, metavar="PORT[-PORT][/PROTO]", help="a port it listens on (not published)",
         to="expose"),
    Flag(("-v", "--volume"), APPEND, to="volumes"),
    Flag(("--volumes-from",), APPEND, metavar="CONTAINER[:ro|:rw]", to="volumes_from"),
    Flag(("--mount",), APPEND, metavar="type=bind|volume|tmpfs,source=...,target=...", to="mounts"),
    Flag(("-w", "--workdir"), to="workdir"),
    Flag(("-u", "--user"), to="user"),
    Flag(("-h", "--hostname"), to="hostname"),
    Flag(("--mac-address",), metavar="aa:bb:cc:dd:ee:ff", help="eth0's MAC address (its first network's)",
         to="mac_address"),
    Flag(("--link",), APPEND, metavar="NAME[:ALIAS]", help="a legacy link to a container of the default bridge",
         to="links"),
    Flag(("--entrypoint",), default=None, to="entrypoint", convert="entrypoint"),
    # Before -l: a label given both ways takes -l's value (the later one).
    Flag(("--label-file",), APPEND, help="a file of KEY=VALUE lines (# comments)", to="labels",
         convert="label_files"),
    Flag(("-l", "--label"), APPEND, to="labels", convert="key_values"),
    Flag(("--cidfile",), help="write the container's id to this file (which must not exist)"),
    Flag(("--platform",), help="the image's platform: doca runs linux/amd64 alone"),
    Flag(("--rm",), FLAG, to="auto_remove"),
    Flag(("-i", "--interactive"), FLAG, to="interactive"),
    Flag(("-t", "--tty"), FLAG, to="tty"),
    Flag(("--log-driver",), help="json-file (default), local or none", to="log_driver"),
    Flag(("--log-opt",), APPEND, to="log_opts", convert="key_values"),
    Flag(("--cap-add",), APPEND, to="cap_add"),
    Flag(("--cap-drop",), APPEND, to="cap_drop"),
    Flag(("--privileged",), FLAG, to="privileged"),
    Flag(("--security-opt",), APPEND, to="security_opt", convert="security_opts"),
    Flag(("--ulimit",), APPEND, to="ulimits"),
    Flag(("--read-only",), FLAG, to="read_only"),
    Flag(("--tmpfs",), APPEND, to="tmpfs"),
    Flag(("--group-add",), APPEND, help="a group (name or gid) the process joins", to="group_add"),
    Flag(("--domainname",), help="the container's NIS domain name", to="domainname"),
    Flag(("--sysctl",), APPEND, metavar="KEY=VALUE", help="a namespaced kernel parameter", to="sysctls"),
    Flag(("--health-cmd",), to="health_cmd"),
    Flag(("--health-interval",), to="health_interval"),
    Flag(("--health-timeout",), to="health_timeout"),
    Flag(("--health-start-period",), to="health_start_period"),
    Flag(("--health-retries",), INT, to="health_retries"),
    Flag(("--no-healthcheck",), FLAG, to="no_healthcheck"),
    Flag(("--init",), FLAG, to="init"),
    Flag(("--runtime",), to="runtime"),
    Flag(("--userns-remap",), metavar="default|BASE[:SIZE]", to="userns_remap"),
    Flag(("--pid",), metavar="host", help="the PID namespace: its own (default) or the host's", to="pid"),
    Flag(("--ipc",), metavar="private|shareable|host|none", help="the IPC namespace (default private)", to="ipc"),
    Flag(("--uts",), metavar="host", help="the UTS namespace: its own (default) or the host's", to="uts"),
    Flag(("--cgroupns",), metavar="private|host", help="cgroup namespace: its own (private, the default) or the host's",
         to="cgroupns"),
    Flag(("--restart",), to="restart"),
    Flag(("--stop-signal",), to="stop_signal"),
    Flag(("--stop-timeout",), INT, default=None, to="stop_timeout"),
    Flag(("--pull",), CHOICE, default="missing", choices=("missing", "always", "never"),
         help="pull the image: when missing (default), always, or never"),
    # H7's: the last of docker 28's run flags (gateway/api/run_more.py checks and keeps them)
    Flag(("--annotation",), APPEND, metavar="KEY=VALUE", help="an annotation of the OCI runtime's config",
         to="annotations", convert="key_values"),
    Flag(("-a", "--attach"), APPEND, metavar="STDIN|STDOUT|STDERR",
         help="a stream to attach (default: stdout and stderr)", to="attach", convert="attach_streams"),
    Flag(("-q", "--quiet"), FLAG, help="no pull progress"),
    Flag(("--cgroup-parent",), help="the cgroup its cgroups are made under", to="cgroup_parent"),
    Flag(("--health-start-interval",), help="between probes during the start period",
         to="health_start_interval"),
    Flag(("--storage-opt",), APPEND, metavar="KEY=VALUE", help="a storage driver option", to="storage_opt",
         convert="storage_opts"),
    Flag(("--volume-driver",), help="the driver of its volumes (local)", to="volume_driver"),
    Flag(("--userns",), metavar="host", help="the user namespace: host (no remapping)", to="userns",
         convert="userns_mode"),
    Flag(("--ip6",), help="an IPv6 address (doca's networks are IPv4 only)", to="ip6"),
    Flag(("--link-local-ip",), APPEND, help="a link-local address", to="link_local_ips"),
    Flag(("--use-api-socket",), FLAG, help="bind the Docker API socket (doca has none)"),
)
IMAGE_AND_COMMAND = (Arg("image", to="image"), Arg("command", REMAINDER, to="cmd"))
CONTAINERS = (Arg("containers", "+"),)
# docker 28 names it --timeout (--time its old name, which 20.10 alone knows)
TIME = Flag(("-t", "--time", "--timeout"), INT, default=-1, help="seconds to wait for it to stop before SIGKILL",
            to="timeout")
# docker 23+: in place of the container's stop signal (StopRequest.signal).
STOP_SIGNAL = Flag(("-s", "--signal"), help="signal to send to the container (default: its stop signal)",
                   to="signal")

# verb -> its declaration. Every verb here is read by both readers.
VERBS = {
    # run's request is a RunRequest: the ContainerConfig (create's fields) and -d (detach).
    "run": Verb("run:run", "create and start a container",
                (Flag(("-d", "--detach"), FLAG),
                 Flag(("--detach-keys",), metavar="ctrl-X,Y", help="the keys that detach an attached -it run "
                                                                    "(ctrl-p,ctrl-q)"),
                 Flag(("--sig-proxy",), FLAG, default=True, metavar="BOOL",
                      help="send the signals this CLI gets to the container (attached, without -t; default true)"),
                 ) + CONTAINER_CONFIG,
                IMAGE_AND_COMMAND),
    "create": Verb("run:create", "create a container", CONTAINER_CONFIG, IMAGE_AND_COMMAND),
    "start": Verb("run:start", "start created or stopped containers", (
        HELP_FLAG,
        Flag(("-a", "--attach"), FLAG, help="stream its output; its exit code is ours"),
        Flag(("--detach-keys",), metavar="ctrl-X,Y", help="the keys that detach from it when attached (ctrl-p,ctrl-q)"),
        Flag(("-i", "--interactive"), FLAG, help="attach its stdin")), CONTAINERS),
    "ps": Verb("containers:ps", "list containers", (
        HELP_FLAG,
        Flag(("-a", "--all"), FLAG, to="all"),
        # checked by the gateway (Docker's keys and values); KEY=VALUE by the CLI
        Flag(("-f", "--filter"), APPEND, metavar="KEY=VALUE", to="filters",
             help="id, name, label, exited, status, ancestor, before, since, volume, network, health..."),
        Flag(("--format",)),
        Flag(("-n", "--last"), INT, default=-1, help="the N last created containers (all states)"),
        Flag(("-l", "--latest"), FLAG, help="the last created container (all states)"),
        Flag(("-q", "--quiet"), FLAG),
        Flag(("-s", "--size"), FLAG, to="size", help="the SIZE column"),
        Flag(("--no-trunc",), FLAG)), ()),
    "stop": Verb("containers:stop", "stop containers (stop signal, then SIGKILL)", (HELP_FLAG, STOP_SIGNAL, TIME),
                 CONTAINERS),
    "restart": Verb("containers:restart", "restart containers", (HELP_FLAG, STOP_SIGNAL, TIME), CONTAINERS),
    "kill": Verb("containers:kill", "send a signal to containers",
                 (HELP_FLAG, Flag(("-s", "--signal"), default="KILL", to="signal")), CONTAINERS),
    "rm": Verb("containers:rm", "remove containers", (
        HELP_FLAG,
        Flag(("-f", "--force"), FLAG, to="force"),
        Flag(("-l", "--link"), FLAG, help="remove a legacy link (doca makes none)"),
        Flag(("-v", "--volumes"), FLAG, help="remove the anonymous volumes made for them", to="volumes")), CONTAINERS),
    "wait": Verb("containers:wait", "wait for containers to exit; print their exit codes", (HELP_FLAG,), CONTAINERS),
    "pause": Verb("containers:pause", "freeze every process of containers", (HELP_FLAG,), CONTAINERS),
    "unpause": Verb("containers:unpause", "thaw paused containers", (HELP_FLAG,), CONTAINERS),
    "exec": Verb("exec:exec_", "run a command in a running container", (
        HELP_FLAG,
        Flag(("-i", "--interactive"), FLAG, to="interactive"),
        Flag(("-t", "--tty"), FLAG, to="tty"),
        Flag(("-d", "--detach"), FLAG, to="detach"),
        Flag(("--detach-keys",), metavar="ctrl-X,Y", help="the keys that detach from an -it exec (ctrl-p,ctrl-q)"),
        # Before -e: a variable given both ways takes -e's value (the later one).
        Flag(("--env-file",), APPEND, help="a file of NAME=VALUE lines", to="env", convert="env_files"),
        Flag(("-e", "--env"), APPEND, to="env", convert="env"),
        Flag(("-w", "--workdir"), to="workdir"),
        Flag(("-u", "--user"), to="user"),
        Flag(("--privileged",), FLAG, to="privileged")), (Arg("container", to="container"),
                                                          Arg("command", REMAINDER, to="cmd"))),
    "update": Verb("stats:update", "change the limits of containers", (HELP_FLAG,) + RESOURCES + (
        Flag(("--restart",), help="a new restart policy", to="restart"),), CONTAINERS),
}
