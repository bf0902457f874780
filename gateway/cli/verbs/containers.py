"""Declarations of the container verbs (parsers only: no stubs imported);
those of flags.VERBS from that table, in the order `doca --help` lists them."""
from gateway.cli.verbs import boolean, table_verb, verb


def declare(sub) -> None:
    table_verb(sub, "ps")
    p = verb(sub, "logs", "containers:logs", "show a container's output")
    p.add_argument("--details", action="store_true", help="each line after the attributes its log options name")
    p.add_argument("-f", "--follow", action="store_true")
    p.add_argument("-n", "--tail", default="all")
    p.add_argument("--since", default="")
    p.add_argument("--until", default="", help="only lines written before this time (RFC 3339 or a duration ago)")
    p.add_argument("-t", "--timestamps", action="store_true")
    p.add_argument("container")
    for name in ("stop", "restart", "kill", "rm", "wait"):
        table_verb(sub, name)
    p = verb(sub, "inspect", "containers:inspect", "low-level information on containers, images or volumes")
    # container, image, volume or network: checked by the handler (exit 1, as Docker's)
    p.add_argument("--type", default=None)
    p.add_argument("-f", "--format", default="", help="a Go template, e.g. '{{.State.Status}}', or json")
    p.add_argument("-s", "--size", action="store_true", help="a container's sizes too (SizeRw, SizeRootFs)")
    p.add_argument("objects", nargs="+")
    for name in ("pause", "unpause", "exec"):
        table_verb(sub, name)
    p = verb(sub, "attach", "attach:attach", "attach to a running container's output (and input)")
    p.add_argument("--detach-keys", default="", metavar="ctrl-X,Y", help="the keys that detach (ctrl-p,ctrl-q)")
    p.add_argument("--no-stdin", action="store_true")
    p.add_argument("--sig-proxy", type=boolean, default=True, metavar="BOOL",
                   help="send the signals this CLI gets to the container (without -t; default true)")
    p.add_argument("container")
    p = verb(sub, "stats", "stats:stats", "a live stream of containers' resource usage")
    p.add_argument("-a", "--all", action="store_true", help="stopped containers too")
    p.add_argument("--format", default="", help="a Go template ('{{.Name}} {{.CPUPerc}}'), 'table TEMPLATE' or json")
    p.add_argument("--no-stream", action="store_true")
    p.add_argument("--no-trunc", action="store_true")
    p.add_argument("containers", nargs="*")
    table_verb(sub, "update")
