"""Declarations of top, rename, diff and cp, and of the `container` group
(those verbs plus prune and inspect; its other subcommands are top-level
verbs under its name, main.GROUP_ALIASES): parsers only, no stubs imported."""
import argparse

from gateway.cli.verbs import verb


def _tools(sub) -> None:
    p = verb(sub, "top", "top:top", "the running processes of a container")
    p.add_argument("container")
    p.add_argument("ps_args", nargs=argparse.REMAINDER, metavar="[ps OPTIONS]")
    p = verb(sub, "rename", "top:rename", "rename a container")
    p.add_argument("container")
    p.add_argument("new_name")
    p = verb(sub, "diff", "top:diff", "changes to a container's filesystem (A added, C changed, D deleted)")
    p.add_argument("container")
    p = verb(sub, "cp", "cp:cp", "copy files between a container and the host (- for a tar on stdin/stdout)")
    p.add_argument("-a", "--archive", action="store_true", help="keep the owners (uid:gid) of what is copied")
    p.add_argument("-L", "--follow-link", action="store_true", help="follow a symbolic link in SRC_PATH")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    p.add_argument("src", metavar="SRC_PATH|CONTAINER:SRC_PATH")
    p.add_argument("dest", metavar="DEST_PATH|CONTAINER:DEST_PATH")


def declare(sub) -> None:
    _tools(sub)
    group = verb(sub, "container", None, "manage containers")
    gsub = group.add_subparsers(dest="container_verb", metavar="COMMAND")
    gsub.required = True
    p = verb(gsub, "prune", "prune:container_prune", "remove all stopped containers")
    p.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE", help="until=..., label=...")
    # inspect of containers alone (no --type): the top-level inspect's handler
    p = verb(gsub, "inspect", "containers:inspect", "display detailed information on one or more containers")
    p.add_argument("-f", "--format", default="", help="a Go template, e.g. '{{.State.Status}}', or json")
    p.add_argument("-s", "--size", action="store_true", help="its sizes too (SizeRw, SizeRootFs)")
    p.add_argument("objects", nargs="+", metavar="CONTAINER")
    p.set_defaults(type="container")
    _tools(gsub)
