"""Declarations of the container verbs (parsers only: no stubs imported)."""
from gateway.cli.verbs import verb


def declare(sub) -> None:
    p = verb(sub, "ps", "containers:ps", "list containers")
    p.add_argument("-a", "--all", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="")
    p.add_argument("--no-trunc", action="store_true")
    p = verb(sub, "logs", "containers:logs", "show a container's output")
    p.add_argument("-f", "--follow", action="store_true")
    p.add_argument("container")
    p = verb(sub, "stop", "containers:stop", "stop containers (stop signal, then SIGKILL)")
    p.add_argument("-t", "--time", type=int, default=-1)
    p.add_argument("containers", nargs="+")
    p = verb(sub, "kill", "containers:kill", "send a signal to containers")
    p.add_argument("-s", "--signal", default="KILL")
    p.add_argument("containers", nargs="+")
    p = verb(sub, "rm", "containers:rm", "remove containers")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("containers", nargs="+")
    p = verb(sub, "wait", "containers:wait", "wait for containers to exit; print their exit codes")
    p.add_argument("containers", nargs="+")
    p = verb(sub, "inspect", "containers:inspect", "low-level information on containers, images or volumes")
    p.add_argument("--type", choices=("container", "image", "volume"), default=None)
    p.add_argument("objects", nargs="+")
