"""Declarations of the run/create/start verbs (parsers only: no stubs imported)."""
import argparse

from gateway.cli.verbs import verb


def container_config_flags(p) -> None:
    p.add_argument("--help", action="help", help="show this help")
    p.add_argument("--name", default="")
    p.add_argument("-e", "--env", action="append", default=[])
    p.add_argument("-m", "--memory", default="")
    p.add_argument("--cpus", type=float, default=0.0)
    p.add_argument("-c", "--cpu-shares", type=int, default=0)
    p.add_argument("--pids-limit", type=int, default=0)
    p.add_argument("--network", "--net", default="")
    p.add_argument("--network-alias", action="append", default=[])
    p.add_argument("--ip", default="")
    p.add_argument("-p", "--publish", action="append", default=[],
                   metavar="[IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]")
    p.add_argument("-P", "--publish-all", action="store_true")
    p.add_argument("-v", "--volume", action="append", default=[])
    p.add_argument("-w", "--workdir", default="")
    p.add_argument("-u", "--user", default="")
    p.add_argument("-h", "--hostname", default="")
    p.add_argument("--entrypoint", default=None)
    p.add_argument("-l", "--label", action="append", default=[])
    p.add_argument("--rm", action="store_true")
    p.add_argument("-i", "--interactive", action="store_true")
    p.add_argument("-t", "--tty", action="store_true")
    p.add_argument("--log-opt", action="append", default=[])
    p.add_argument("--cap-add", action="append", default=[])
    p.add_argument("--cap-drop", action="append", default=[])
    p.add_argument("--privileged", action="store_true")
    p.add_argument("--security-opt", action="append", default=[])
    p.add_argument("--ulimit", action="append", default=[])
    p.add_argument("--read-only", action="store_true")
    p.add_argument("--tmpfs", action="append", default=[])
    p.add_argument("--env-file", action="append", default=[])
    p.add_argument("--health-cmd", default="")
    p.add_argument("--health-interval", default="")
    p.add_argument("--health-timeout", default="")
    p.add_argument("--health-start-period", default="")
    p.add_argument("--health-retries", type=int, default=0)
    p.add_argument("--no-healthcheck", action="store_true")
    p.add_argument("--init", action="store_true")
    p.add_argument("--runtime", default="")
    p.add_argument("--userns-remap", default="", metavar="default|BASE[:SIZE]")
    p.add_argument("--restart", default="")
    p.add_argument("--stop-signal", default="")
    p.add_argument("--stop-timeout", type=int, default=None)
    p.add_argument("--pull", choices=("missing", "always", "never"), default="missing",
                   help="pull the image: when missing (default), always, or never")
    p.add_argument("image")
    p.add_argument("command", nargs=argparse.REMAINDER)


def declare(sub) -> None:
    p = verb(sub, "run", "run:run", "create and start a container", add_help=False)
    p.add_argument("-d", "--detach", action="store_true")
    container_config_flags(p)
    p = verb(sub, "create", "run:create", "create a container", add_help=False)
    container_config_flags(p)
    p = verb(sub, "start", "run:start", "start created containers")
    p.add_argument("containers", nargs="+")
