"""`doca`: Docker's verbs and flags over the gateway's gRPC API.

Parsers are built here; each verb's code is imported only when it runs, so
`doca run` does not pay for `doca images`' table library, and `doca daemon`
never loads grpc at all (the CLI speaks HTTP/2 itself: see transport/).
"""
import argparse
import importlib
import os
import sys

DEFAULT_HOST = "unix:///run/doca/doca.sock"


class Parser(argparse.ArgumentParser):
    """Bad usage: one line and Docker's 125."""

    def error(self, message):
        sys.stderr.write(f"doca: {message}\nSee 'doca --help'.\n")
        sys.exit(125)


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
}


GLOBAL_WITH_VALUE = ("-H", "--host", "--tlscacert", "--tlscert", "--tlskey")


def _verb_in(argv) -> str | None:
    """The verb, found without a parser: the first word after global options."""
    it = iter(argv)
    for word in it:
        if word in GLOBAL_WITH_VALUE:
            next(it, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv=()) -> argparse.ArgumentParser:
    """Declares only the group of the verb in argv (all of them for help or
    an unknown verb): argparse set-up is a visible part of a CLI call."""
    parser = Parser(prog="doca", description="A container engine: Docker's verbs over doca's gRPC services.")
    parser.add_argument("-H", "--host", default=None,
                        help=f"gateway: unix:///path or tcp://HOST:PORT (env DOCA_HOST, default {DEFAULT_HOST})")
    # tcp:// is mutual TLS; as Docker's flags, else ca.pem, cert.pem, key.pem in DOCA_CERT_PATH (default ~/.doca)
    parser.add_argument("--tlscacert", default=None, help="CA that signed the gateway's certificate")
    parser.add_argument("--tlscert", default=None, help="this client's certificate")
    parser.add_argument("--tlskey", default=None, help="this client's key")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    sub.required = True
    group = VERB_GROUP.get(_verb_in(argv))
    for name in ([group] if group else dict.fromkeys(VERB_GROUP.values())):
        importlib.import_module(f"gateway.cli.verbs.{name}").declare(sub)
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
