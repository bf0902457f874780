"""`doca`: Docker's verbs and flags over the gateway's gRPC API.

Parsers are built here; each verb's code is imported only when it runs, so
`doca run` does not pay for `doca images`' table library, and `doca daemon`
never loads grpc at all (the CLI speaks HTTP/2 itself: see transport/).
"""
import argparse
import importlib
import os
import sys

from common import flags

DEFAULT_HOST = "unix:///run/doca/doca.sock"


class Parser(argparse.ArgumentParser):
    """Bad usage: one line and Docker's 125."""

    def error(self, message):
        sys.stderr.write(f"doca: {message}\nSee 'doca --help'.\n")
        sys.exit(125)


def _verb(sub, name, target, help_, aliases=(), add_help=True):
    p = sub.add_parser(name, help=help_, aliases=list(aliases), add_help=add_help)
    p.set_defaults(target=target)
    return p


def _container_config_flags(p) -> None:
    p.add_argument("--help", action="help", help="show this help")
    p.add_argument("--name", default="")
    p.add_argument("-e", "--env", action="append", default=[])
    p.add_argument("-m", "--memory", default="")
    p.add_argument("--cpus", type=float, default=0.0)
    p.add_argument("-c", "--cpu-shares", type=int, default=0)
    p.add_argument("--pids-limit", type=int, default=0)
    p.add_argument("--network", "--net", default="")
    p.add_argument("-v", "--volume", action="append", default=[])
    p.add_argument("-w", "--workdir", default="")
    p.add_argument("-u", "--user", default="")
    p.add_argument("-h", "--hostname", default="")
    p.add_argument("--entrypoint", default=None)
    p.add_argument("-l", "--label", action="append", default=[])
    p.add_argument("--rm", action="store_true")
    p.add_argument("image")
    p.add_argument("command", nargs=argparse.REMAINDER)


def _run_verbs(sub):
    p = _verb(sub, "run", "run:run", "create and start a container", add_help=False)
    p.add_argument("-d", "--detach", action="store_true")
    _container_config_flags(p)
    p = _verb(sub, "create", "run:create", "create a container", add_help=False)
    _container_config_flags(p)
    p = _verb(sub, "start", "run:start", "start created containers")
    p.add_argument("containers", nargs="+")


def _container_verbs(sub):
    p = _verb(sub, "ps", "containers:ps", "list containers")
    p.add_argument("-a", "--all", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="")
    p.add_argument("--no-trunc", action="store_true")
    p = _verb(sub, "logs", "containers:logs", "show a container's output")
    p.add_argument("-f", "--follow", action="store_true")
    p.add_argument("container")
    p = _verb(sub, "stop", "containers:stop", "stop containers (stop signal, then SIGKILL)")
    p.add_argument("-t", "--time", type=int, default=-1)
    p.add_argument("containers", nargs="+")
    p = _verb(sub, "kill", "containers:kill", "send a signal to containers")
    p.add_argument("-s", "--signal", default="KILL")
    p.add_argument("containers", nargs="+")
    p = _verb(sub, "rm", "containers:rm", "remove containers")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("containers", nargs="+")
    p = _verb(sub, "wait", "containers:wait", "wait for containers to exit; print their exit codes")
    p.add_argument("containers", nargs="+")
    p = _verb(sub, "inspect", "containers:inspect", "low-level information on containers, images or volumes")
    p.add_argument("--type", choices=("container", "image", "volume"), default=None)
    p.add_argument("objects", nargs="+")


def _image_verbs(sub):
    p = _verb(sub, "images", "images:images", "list images")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="")
    p = _verb(sub, "rmi", "images:rmi", "remove images")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("images", nargs="+")
    p = _verb(sub, "import", "images:import_", "make an image from a root filesystem tarball")
    p.add_argument("-m", "--message", default="")
    p.add_argument("file", help="tarball, or - for stdin")
    p.add_argument("reference", nargs="?", default="")
    image = _verb(sub, "image", None, "manage images")
    isub = image.add_subparsers(dest="image_verb", metavar="COMMAND")
    isub.required = True
    p = _verb(isub, "ls", "images:images", "list images", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--format", default="")
    p = _verb(isub, "rm", "images:rmi", "remove images")
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("images", nargs="+")
    p = _verb(isub, "inspect", "images:inspect", "low-level information on images")
    p.add_argument("images", nargs="+")
    p = _verb(isub, "import", "images:import_", "make an image from a root filesystem tarball")
    p.add_argument("-m", "--message", default="")
    p.add_argument("file")
    p.add_argument("reference", nargs="?", default="")


def _volume_verbs(sub):
    vol = _verb(sub, "volume", None, "manage volumes")
    vsub = vol.add_subparsers(dest="volume_verb", metavar="COMMAND")
    vsub.required = True
    p = _verb(vsub, "create", "volumes:create", "create a volume")
    p.add_argument("-l", "--label", action="append", default=[])
    p.add_argument("name", nargs="?", default="")
    p = _verb(vsub, "ls", "volumes:ls", "list volumes", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    p = _verb(vsub, "rm", "volumes:rm", "remove volumes", aliases=("remove",))
    p.add_argument("-f", "--force", action="store_true")
    p.add_argument("names", nargs="+")
    p = _verb(vsub, "inspect", "volumes:inspect", "low-level information on volumes")
    p.add_argument("names", nargs="+")


def _system_verbs(sub):
    net = _verb(sub, "network", None, "manage networks")
    nsub = net.add_subparsers(dest="network_verb", metavar="COMMAND")
    nsub.required = True
    p = _verb(nsub, "ls", "network:ls", "list networks", aliases=("list",))
    p.add_argument("-q", "--quiet", action="store_true")
    _verb(sub, "version", "system:version", "show the client and engine versions")
    p = _verb(sub, "daemon", "daemon:daemon", "run the whole doca stack in the foreground")
    flags.add_arguments(p)


# verb -> the function declaring it (and its neighbours).
GROUPS = (_run_verbs, _container_verbs, _image_verbs, _volume_verbs, _system_verbs)
VERB_GROUP = {
    **dict.fromkeys(("run", "create", "start"), _run_verbs),
    **dict.fromkeys(("ps", "logs", "stop", "kill", "rm", "wait", "inspect"), _container_verbs),
    **dict.fromkeys(("images", "rmi", "import", "image"), _image_verbs),
    **dict.fromkeys(("volume",), _volume_verbs),
    **dict.fromkeys(("network", "version", "daemon"), _system_verbs),
}


def _verb_in(argv) -> str | None:
    """The verb, found without a parser: the first word after global options."""
    it = iter(argv)
    for word in it:
        if word in ("-H", "--host"):
            next(it, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv=()) -> argparse.ArgumentParser:
    """Declares only the group of the verb in argv (all of them for help or
    an unknown verb): argparse set-up is a visible part of a CLI call."""
    parser = Parser(prog="doca", description="A container engine: Docker's verbs over doca's gRPC services.")
    parser.add_argument("-H", "--host", default=None, help=f"gateway address (env DOCA_HOST, default {DEFAULT_HOST})")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    sub.required = True
    group = VERB_GROUP.get(_verb_in(argv))
    for declare in ([group] if group else GROUPS):
        declare(sub)
    return parser


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    args.host = args.host or os.environ.get("DOCA_HOST") or DEFAULT_HOST
    module, _, func = args.target.partition(":")
    handler = getattr(importlib.import_module(f"gateway.cli.{module}"), func)
    if module == "daemon":
        sys.exit(handler(args))
    from gateway.cli import errors
    sys.exit(errors.guarded(handler, args))


if __name__ == "__main__":
    main()
