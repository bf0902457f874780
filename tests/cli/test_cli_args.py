"""The CLI's fast path reads what argparse and rich would: fastargs'
declarations are the argparse ones (verbs/), both readers agree on many
command lines (fastargs may only decline), output.table lays out what rich
lays out; and the launcher's hot verbs import none of the heavy modules."""
import argparse
import contextlib
import io
import random
import subprocess

import pytest

from gateway.cli import fastargs, main, output
from tests.support.stack import DOCA_PY, VENV_BIN

KINDS = {argparse._StoreTrueAction: fastargs.FLAG, argparse._AppendAction: fastargs.APPEND,
         argparse._HelpAction: fastargs.HELP, argparse._VersionAction: fastargs.HELP}  # argparse's turn


def _subparser(verb: str):
    parser = main.build_parser([verb])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, sub.choices[verb]


def _declared(parser) -> tuple[set, list]:
    """(options as fastargs declares them, positionals (dest, nargs))."""
    options, positionals = set(), []
    for a in parser._actions:
        if not a.option_strings:
            positionals.append((a.dest, a.nargs))
            continue
        kind = KINDS.get(type(a))
        default = a.default
        if kind is None:
            kind = {int: fastargs.INT, float: fastargs.FLOAT, None: fastargs.STR}[a.type]
            if a.choices:
                kind, default = fastargs.CHOICE, (default, tuple(a.choices))
        if kind == fastargs.HELP:
            default = None
        if kind == fastargs.APPEND:
            default = tuple(default)
        options.add((tuple(a.option_strings), a.dest, kind, default))
    return options, positionals


@pytest.mark.parametrize("verb", sorted(fastargs.VERBS))
def test_declarations_are_the_argparse_ones(verb):
    parser, sub = _subparser(verb)
    target, options, positional, dests = fastargs.VERBS[verb]
    assert sub._defaults["target"] == target
    declared, positionals = _declared(sub)
    assert set(options) == declared
    nargs = {fastargs.ONE_AND_REST: [None, argparse.REMAINDER], fastargs.SOME: ["+"], fastargs.NONE: []}[positional]
    assert positionals == list(zip(dests, nargs))
    top, _ = _declared(parser)
    assert set(fastargs.GLOBAL) == top


def _argparse(argv):
    """argparse's namespace as a dict, or None when it refuses argv."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            return vars(main.build_parser(argv).parse_args(argv))
    except SystemExit:
        return None


WORDS = ["busybox", "sh", "-c", "echo hi", "ls", "-la", "--color", "5", "-1", "0.5", "x=y", "", "-", "--",
         "-x y", "nan", "1e3", " 7", "abc", "--rm", "-d", "--he", "--h", "--ho", "--tls", "--net", "--netw",
         "--na", "--name=n", "--name=", "-e=X", "-eFOO", "--rm=1", "-it", "-dit", "-itd", "-ti", "-id", "-ie",
         "--pull=always", "--pull=bad", "never", "always", "--help", "-h", "-H", "--host=unix:///x", "-fq",
         "-aq", "-qa", "-af", "--stop-timeout", "--stop-timeout=3", "--cpus=x", "-t", "-s", "KILL", "--time=2",
         "--format", "json", "--no-trunc", "--all", "-tlscacert", "--tlskey", "-q"]


def _tokens(verb: str) -> list:
    options = fastargs.VERBS[verb][1]
    return [name for names, *_ in options for name in names] + WORDS


def _argv(rnd: random.Random, verb: str) -> list:
    argv = []
    for _ in range(rnd.choice([0, 0, 0, 1, 2])):
        argv += rnd.choice([["-H", "unix:///tmp/x.sock"], ["--host", "tcp://h:1"], ["--host=unix:///y"],
                            ["--tlscacert", "ca.pem"], ["--tlscert=c.pem"], ["-H"], ["--ho", "x"], ["-x"]])
    argv.append(verb)
    tokens = _tokens(verb)
    for _ in range(rnd.randint(0, 7)):
        argv.append(rnd.choice(tokens))
    if fastargs.VERBS[verb][2] != fastargs.NONE and rnd.random() < 0.8:  # most name something, maybe a command
        argv += rnd.choice([["busybox"], ["busybox", "sleep", "60"], ["a", "b"], ["ctr", "ls", "-la"], ["c1"]])
        if rnd.random() < 0.3:
            argv += [rnd.choice(tokens) for _ in range(rnd.randint(1, 3))]
    return argv


@pytest.mark.parametrize("verb", sorted(fastargs.VERBS))
def test_both_readers_agree(verb):
    rnd = random.Random(f"args-{verb}")
    read = 0
    for _ in range(3000):
        argv = _argv(rnd, verb)
        fast = fastargs.parse(argv)
        if fast is None:
            continue
        read += 1
        assert _argparse(argv) == vars(fast), argv
    assert read > 150  # the common forms are read here, not by argparse


COMMON = [
    ["run", "-d", "--network", "none", "busybox", "sleep", "60"],
    ["run", "--rm", "busybox", "sh", "-c", "echo hi; exit 3"],
    ["run", "-it", "--rm", "busybox", "sh"],
    ["run", "--name=web", "-p", "8080:80", "-e", "A=1", "-v", "vol:/data", "--cpus", "0.5", "-m", "64m", "img"],
    ["-H", "unix:///tmp/d.sock", "create", "--pull", "never", "busybox", "true"],
    ["start", "a", "b"], ["stop", "-t", "0", "a"], ["stop", "a", "-t", "3"], ["kill", "-s", "TERM", "a"],
    ["rm", "-f", "a", "b"], ["rm", "a", "-f"], ["wait", "a"], ["ps"], ["ps", "-aq", "--no-trunc"],
    ["ps", "--format", "json"], ["exec", "-i", "ctr", "cat"], ["exec", "ctr", "ls", "-la", "/"],
    ["exec", "-e", "A=1", "-w", "/tmp", "-u", "0", "ctr", "sh", "-c", "pwd"], ["restart", "a"], ["pause", "a"],
]


@pytest.mark.parametrize("argv", COMMON, ids=" ".join)
def test_common_command_lines_are_read_without_argparse(argv):
    fast = fastargs.parse(argv)
    assert fast is not None
    assert vars(fast) == _argparse(argv)


@pytest.mark.parametrize("argv", [["run"], ["run", "--help"], ["stop", "-h"], ["ps", "x"], ["rm"], ["rm", "a", "-f", "b"],
                                  ["run", "--netw", "x", "img"], ["run", "img", "ls", "--h"], ["stop", "-t", "x", "a"],
                                  ["run", "--pull", "sometimes", "img"], ["images"], [], ["--help"], ["-H"],
                                  ["run", "--", "img"], ["run", "-e", "-x", "img"], ["stop", "-t", "-1", "a"]])
def test_what_argparse_must_read(argv):
    assert fastargs.parse(argv) is None


# -- tables -------------------------------------------------------------------------

def _rich(headers, rows) -> str:
    f = io.StringIO()
    output.rich_table(headers, rows, file=f)
    return f.getvalue()


def test_table_layout_is_rich_layout():
    rnd = random.Random(7)
    plain = list("abcxyzABC0129 -_/.,=\"'()+*!#&%@$^~`{}|<>?;") + ["…", "busybox", "Up 3 seconds"]
    tricky = [":", "[", "]", "[bold]", ":smile:", ":+1:", ":x", "é", "\t", "\n", "\\", "x" * 40, "::", "a:b:c"]
    laid = 0
    for i in range(6000):
        alphabet = plain + (tricky if i % 2 else [":"])
        n = rnd.randint(1, 7)

        def cell():
            return "".join(rnd.choice(alphabet) for _ in range(rnd.choice([0, 1, 3, 8, 20])))

        headers = [cell() for _ in range(n)]
        rows = [[cell() for _ in range(n)] for _ in range(rnd.randint(0, 5))]
        text = output._layout(headers, rows)
        if text is not None:
            laid += 1
            assert text == _rich(headers, rows), (headers, rows)
    assert laid > 2500


def test_ps_like_tables():
    headers = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    rows = [["d55e2010555a", "localhost:5000/img:1", '"sleep 5"', "2 minutes ago", "Up 2 minutes",
             "0.0.0.0:8080->80/tcp, 0.0.0.0:8081->81/tcp", "web"],
            ["0123456789ab", "busybox", '"sh -c \'while :; d…"', "About an hour ago", "Exited (137) 5 seconds ago",
             "", "stoic_chagas"]]
    assert output._layout(headers, rows) == _rich(headers, rows)
    assert output._layout(headers, []) == _rich(headers, [])


# -- the launcher -------------------------------------------------------------------

HEAVY = ("site", "argparse", "re", "enum", "typing", "threading", "socket", "struct", "json", "datetime",
         "google.protobuf", "grpc", "rich", "os", "common.errors")


@pytest.mark.parametrize("argv", [["run", "-d", "--network", "none", "busybox", "true"],
                                  ["run", "--rm", "--network", "none", "busybox", "echo", "hi"], ["ps", "-a"],
                                  ["wait", "{cid}"], ["exec", "{ctr}", "true"], ["stop", "-t", "0", "{cid}"]],
                         ids=lambda a: a[0])
def test_hot_verbs_import_nothing_heavy(stack, argv):
    ctr = stack.doca("run", "-d", "--network", "none", "busybox", "sleep", "60").stdout.strip()
    cid = stack.doca("run", "-d", "--network", "none", "busybox", "true").stdout.strip()
    try:
        argv = [a.format(cid=cid, ctr=ctr) for a in argv]
        r = subprocess.run([str(VENV_BIN / "python"), "-SI", "-X", "importtime", DOCA_PY, *argv], env=stack.env(),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr[-2000:]
        if argv[:2] == ["run", "-d"]:
            stack.doca("rm", "-f", r.stdout.strip())
        imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
        assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
        assert not [m for m in imported if m.startswith(("google", "doca.", "rich"))]
    finally:
        stack.doca("rm", "-f", ctr, cid)


def test_launcher_adds_site_packages_when_a_verb_needs_them(stack):
    """A hot verb whose table rich must draw, and a verb on protobuf."""
    assert stack.doca("images").stdout.startswith("REPOSITORY")
    name = "bracket[1]"
    out = stack.doca("create", "--name", "brackets", "--network", "none", "busybox", "echo", name).stdout.strip()
    try:
        assert name in stack.doca("ps", "-a").stdout
    finally:
        stack.doca("rm", out)


@pytest.mark.parametrize("argv", [["run", "--pid", "5", "busybox", "true"], ["ps", "--no-tr"],
                                  ["rm", "--forc", "x"], ["logs", "--foll", "x"]])
def test_no_abbreviations(argv):
    """Docker's flags have no abbreviations: `--pid 5` was read as
    `--pids-limit 5`. Refused, as an unknown flag."""
    assert fastargs.parse(argv) is None
    assert _argparse(argv) is None
