"""`doca`: Docker's verbs and flags over the gateway's gRPC API.

The command lines of the verbs of flags.py's table are read by fastargs (no
argparse); the others, and anything fastargs does not read exactly as
argparse would, by the parsers built here (from the same table for its
verbs). Each verb's code is imported only when it runs, so `doca run` does
not pay for `doca images`' table library, and `doca daemon` never loads
grpc at all (the CLI speaks HTTP/2 itself: see rpc/).

`make` installs a launcher, doca-py (written by launch/doca_py.py), that
starts Python without site (-SI): launch() adds site-packages only when a
verb first imports a package from there (rich, hpack...).
"""
import sys

from gateway.cli.flags import DEFAULT_HOST, FLAG, GLOBAL, HELP, VERSION


def _parser_class():
    import argparse

    class Parser(argparse.ArgumentParser):
        """Bad usage: one line and Docker's 125. No abbreviations, as
        Docker's flags have none (`--pid 5` was read as `--pids-limit 5`):
        every sub-parser is of this class, so the rule holds for each verb."""

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("allow_abbrev", False)
            super().__init__(*args, **kwargs)

        def error(self, message):
            # What cmdline.py left to argparse: a value out of a flag's choices, a value its type refuses.
            sys.stderr.write(f"{message}\nSee '{self.prog} --help'.\n")
            sys.exit(125)

    return Parser


# verb -> the module of gateway.cli.verbs declaring it (and its neighbours).
VERB_GROUP = {
    **dict.fromkeys(("run", "create", "start"), "run"),
    **dict.fromkeys(("ps", "logs", "stop", "restart", "kill", "rm", "wait", "inspect", "pause", "unpause",
                     "exec", "attach", "stats", "update"), "containers"),
    **dict.fromkeys(("images", "rmi", "import", "image", "tag", "history", "commit", "save", "load",
                     "export"), "images"),
    **dict.fromkeys(("pull", "push", "login", "logout"), "registry"),
    **dict.fromkeys(("build", "builder"), "build"),
    **dict.fromkeys(("system",), "system_group"),
    **dict.fromkeys(("events", "info"), "engine"),
    **dict.fromkeys(("top", "rename", "diff", "cp", "container"), "container_tools"),
    **dict.fromkeys(("volume",), "volumes"),
    **dict.fromkeys(("version", "daemon"), "system"),
    **dict.fromkeys(("network", "port"), "network"),
    **dict.fromkeys(("compose",), "compose"),
}


# A management command's subcommands that are top-level verbs under its name
# (`container ls` is `ps`, `image build` is `build`): group -> {name: verb, or
# (verb, option the group's name implies)}. The group's own subparsers (verbs/)
# hold the others.
GROUP_ALIASES = {
    "container": {**{v: v for v in ("attach", "commit", "create", "exec", "export", "kill", "logs", "pause",
                                     "port", "restart", "rm", "run", "start", "stats", "stop", "unpause",
                                     "update", "wait")},
                  "ls": "ps", "list": "ps", "ps": "ps"},
    "image": {"build": "build", "rmi": "rmi", "remove": "rmi"},
}
# Aliases Docker's help does not list among a group's commands.
HIDDEN_ALIASES = {"container": ("ps", "list"), "image": ("rmi", "remove")}


def _alias(argv) -> tuple[list, str | None]:
    """argv with a group's alias replaced by its verb, and the command path
    as typed ("container ls") for messages; (argv, None) when there is none."""
    it = enumerate(argv)
    for i, word in it:
        if word in GLOBAL_WITH_VALUE:
            next(it, None)
        elif not word.startswith("-"):
            table = GROUP_ALIASES.get(word)
            if table is None or i + 1 >= len(argv) or argv[i + 1] not in table:
                return argv, None
            target = table[argv[i + 1]]
            verb = [target] if isinstance(target, str) else list(target)
            return [*argv[:i], *verb, *argv[i + 2:]], f"{word} {argv[i + 1]}"
    return argv, None


# The global options that take a value (-H unix:///x): what precedes the verb.
GLOBAL_WITH_VALUE = tuple(name for f in GLOBAL if f.kind not in (HELP, VERSION, FLAG) for name in f.names)


def _verb_in(argv) -> str | None:
    """The verb, found without a parser: the first word after global options."""
    it = iter(argv)
    for word in it:
        if word in GLOBAL_WITH_VALUE:
            next(it, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv=()):
    """Declares only the group of the verb in argv (all of them for help or
    an unknown verb): argparse set-up is a visible part of a CLI call."""
    import importlib

    from gateway.cli.verbs import add_flags
    parser = _parser_class()(prog="doca", description="A container engine: Docker's verbs over doca's gRPC services.",
                             add_help=False)
    add_flags(parser, GLOBAL)
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    sub.required = True
    group = VERB_GROUP.get(_verb_in(argv))
    for name in ([group] if group else dict.fromkeys(VERB_GROUP.values())):
        importlib.import_module(f"gateway.cli.verbs.{name}").declare(sub)
    return parser


def parse(argv):
    """The namespace of argv: fastargs' when it can read it, else argparse's
    after cmdline.py has read argv with Docker's grammar (and answered help
    and usage errors as Docker does)."""
    from gateway.cli import fastargs
    argv, shown = _alias(list(argv))
    args = fastargs.parse(argv)
    if args is None:
        from gateway.cli import cmdline
        args = cmdline.read(build_parser(argv), argv, shown)
    return args


def getenv(name: str) -> str | None:
    """os.environ.get without importing os (~1 ms of a CLI call): the
    variables as the process started, decoded as os.environ decodes them."""
    os = sys.modules.get("os")
    if os is not None:
        return os.environ.get(name)
    import posix
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    value = posix.environ.get(name.encode(encoding, errors))
    return None if value is None else value.decode(encoding, errors)


LOG_LEVELS = ("panic", "fatal", "error", "warn", "warning", "info", "debug", "trace")  # logrus' names


def docker_globals(args) -> str | None:
    """What Docker's global options -c, -l, --config, -D ask of the CLI; a
    message (exit 1) when Docker's CLI would refuse them."""
    context = getattr(args, "context", None)
    if context is not None:
        if args.host:
            return "Conflicting options: either specify --host or --context, not both"
        if context != "default":
            return f'unable to resolve doca endpoint: context "{context}" does not exist'
    level = getattr(args, "log_level", None)
    if level is not None and level.lower() not in LOG_LEVELS:
        return f"Unable to parse logging level: {level}"
    if getattr(args, "config", None) or getattr(args, "debug", False):
        import os
        if args.config:
            os.environ["DOCKER_CONFIG"] = args.config  # credentials.py reads config.json there
        if args.debug:
            os.environ["DOCA_DEBUG"] = "1"
    return None


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    # (daemon's own --log-level is the stack's, not Docker's global one)
    if args.verb != "daemon" and (getattr(args, "context", None) or getattr(args, "log_level", None)
                                  or getattr(args, "config", None) or getattr(args, "debug", False)):
        refused = docker_globals(args)
        if refused:
            sys.stderr.write(refused + "\n")
            sys.exit(1)
    args.host = args.host or getenv("DOCA_HOST") or DEFAULT_HOST
    module, _, func = args.target.partition(":")
    name = f"gateway.cli.{module}"
    __import__(name)
    handler = getattr(sys.modules[name], func)
    if module == "daemon":
        sys.exit(handler(args))
    from gateway.cli import errors
    sys.exit(errors.guarded(handler, args))


class _SitePackages:
    """Last on sys.meta_path under `python -S`: the first import that nothing
    else finds runs site (site-packages and their .pth files on sys.path, as
    a normal start does) and is looked up again."""

    done = False

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is not None or cls.done:
            return None
        cls.done = True
        sys.meta_path.remove(cls)
        import site
        site.main()
        for finder in sys.meta_path:
            spec = finder.find_spec(name, None, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                return spec
        return None


def launch() -> None:
    """The launcher's entry point (python -SI: no site yet)."""
    if "site" not in sys.modules:
        sys.meta_path.append(_SitePackages)
    main()


if __name__ == "__main__":
    main()
