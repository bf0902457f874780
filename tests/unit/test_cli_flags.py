"""The CLI's command line, declared once (gateway/cli/flags.py): the table
builds the argparse parsers and fastargs' reader alike, both readers agree
on many command lines (fastargs may only decline), abbreviations are refused
by both, and each flag's `to` is a field of its verb's request, filled from
the table (request.py) and named back in usage errors (errors.py)."""
import argparse
import contextlib
import functools
import io
import random

import pytest

from gateway.cli import cmdline, convert, errors, fastargs, flags, main, request
from gateway.cli.rpc import doca_v1
from gateway.cli.rpc.codec import OutOfRange

ACTIONS = {argparse._StoreTrueAction: flags.FLAG, argparse._AppendAction: flags.APPEND,
           argparse._HelpAction: flags.HELP, argparse._VersionAction: flags.VERSION}
# The message each verb's `to` paths are fields of.
REQUESTS = {"run": "ContainerConfig", "create": "ContainerConfig", "start": None, "ps": "ListRequest",
            "stop": "StopRequest", "restart": "StopRequest", "kill": "KillRequest", "rm": "RemoveRequest",
            "wait": None, "pause": None, "unpause": None, "exec": "ExecConfig", "update": "UpdateRequest"}


def _subparser(verb: str):
    parser = main.build_parser([verb])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, sub.choices[verb]


def _argparse_options(parser) -> list:
    """(option strings, dest, kind, default, choices, help, metavar) of each
    option, as argparse holds it."""
    out = []
    for a in parser._actions:
        if not a.option_strings:
            continue
        kind = ACTIONS.get(type(a))
        if kind is None:
            kinds = {int: flags.INT, float: flags.FLOAT, None: flags.STR, flags.boolean: flags.FLAG}  # boolean: =false
            kind = flags.CHOICE if a.choices else kinds[a.type]
        default = None if kind in (flags.HELP, flags.VERSION) else a.default
        if kind == flags.APPEND:
            default = tuple(default)
        out.append((tuple(a.option_strings), a.dest, kind, default, a.choices and tuple(a.choices), a.help, a.metavar))
    return out


def _table_options(table) -> list:
    return [(f.names, f.dest, f.kind, None if f.kind in (flags.HELP, flags.VERSION) else f.default, f.choices,
             f.help if f.kind != flags.HELP or f.help else "show this help message and exit", f.metavar)
            for f in table]


@pytest.mark.parametrize("verb", sorted(flags.VERBS))
def test_the_table_builds_the_argparse_parser(verb):
    parser, sub = _subparser(verb)
    spec = flags.VERBS[verb]
    assert sub._defaults["target"] == spec.target
    assert _argparse_options(sub) == _table_options(spec.flags)
    assert [(a.dest, a.nargs) for a in sub._actions if not a.option_strings] == [(a.dest, a.nargs) for a in spec.args]
    assert _argparse_options(parser) == _table_options(flags.GLOBAL)
    assert not sub.allow_abbrev and not parser.allow_abbrev


@pytest.mark.parametrize("verb", sorted(flags.VERBS))
def test_the_table_builds_fastargs(verb):
    """fastargs' option strings and defaults are the argparse parser's."""
    _, sub = _subparser(verb)
    strings, defaults = fastargs._table(flags.VERBS[verb].flags)
    assert set(strings) == {s for a in sub._actions for s in a.option_strings}
    assert defaults == {a.dest: a.default for a in sub._actions if a.option_strings and a.default != argparse.SUPPRESS}
    fastargs.positional_kind(flags.VERBS[verb].args)  # a shape fastargs reads


@functools.cache
def _parser(group: str | None):
    """main.build_parser's parser for the verbs of `group` (all for None):
    built once, as parsing leaves a parser as it was."""
    return main.build_parser([next((v for v, g in main.VERB_GROUP.items() if g == group), "")])


def _argparse(argv):
    """The namespace of the reader fastargs declines to (cmdline.py's Docker
    grammar, then argparse) as a dict, or None when it refuses argv."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            return vars(cmdline.read(_parser(main.VERB_GROUP.get(main._verb_in(argv))), argv))
    except SystemExit:
        return None


WORDS = ["busybox", "sh", "-c", "echo hi", "ls", "-la", "--color", "5", "-1", "0.5", "x=y", "", "-", "--",
         "-x y", "nan", "1e3", " 7", "abc", "--rm", "-d", "--he", "--h", "--ho", "--tls", "--net", "--netw",
         "--na", "--name=n", "--name=", "-e=X", "-eFOO", "--rm=1", "-it", "-dit", "-itd", "-ti", "-id", "-ie",
         "--pull=always", "--pull=bad", "never", "always", "--help", "-h", "-H", "--host=unix:///x", "-fq",
         "-aq", "-qa", "-af", "--stop-timeout", "--stop-timeout=3", "--cpus=x", "-t", "-s", "KILL", "--time=2",
         "--format", "json", "--no-trunc", "--all", "-tlscacert", "--tlskey", "-q", "-m", "64m", "--memory=1g",
         "--cpus", "--pids-limit=5", "-c", "--pid", "--entry", "--env-file", "-v", "--version"]


def _tokens(verb: str) -> list:
    return [name for f in flags.VERBS[verb].flags for name in f.names] + WORDS


def _argv(rnd: random.Random, verb: str) -> list:
    argv = []
    for _ in range(rnd.choice([0, 0, 0, 1, 2])):
        argv += rnd.choice([["-H", "unix:///tmp/x.sock"], ["--host", "tcp://h:1"], ["--host=unix:///y"],
                            ["--tlscacert", "ca.pem"], ["--tlscert=c.pem"], ["-H"], ["--ho", "x"], ["-x"]])
    argv.append(verb)
    tokens = _tokens(verb)
    for _ in range(rnd.randint(0, 7)):
        argv.append(rnd.choice(tokens))
    if flags.VERBS[verb].args and rnd.random() < 0.8:  # most name something, maybe a command
        argv += rnd.choice([["busybox"], ["busybox", "sleep", "60"], ["a", "b"], ["ctr", "ls", "-la"], ["c1"]])
        if rnd.random() < 0.3:
            argv += [rnd.choice(tokens) for _ in range(rnd.randint(1, 3))]
    return argv


def _nan_safe(values):
    """NaN (--cpus nan) equals itself here: both readers read the same word."""
    if values is None:
        return None
    return {k: "nan" if isinstance(v, float) and v != v else v for k, v in values.items()}


@pytest.mark.parametrize("verb", sorted(flags.VERBS))
def test_both_readers_agree(verb):
    rnd = random.Random(f"args-{verb}")
    read = 0
    for _ in range(3000):
        argv = _argv(rnd, verb)
        fast = fastargs.parse(argv)
        if fast is None:
            continue
        read += 1
        assert _nan_safe(_argparse(argv)) == _nan_safe(vars(fast)), argv
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
    ["update", "-m", "64m", "--cpus", "1.5", "a", "b"],
]


@pytest.mark.parametrize("argv", COMMON, ids=" ".join)
def test_common_command_lines_are_read_without_argparse(argv):
    fast = fastargs.parse(argv)
    assert fast is not None
    assert vars(fast) == _argparse(argv)


@pytest.mark.parametrize("argv", [["run"], ["run", "--help"], ["stop", "-h"], ["ps", "x"], ["rm"], ["rm", "a", "-f", "b"],
                                  ["run", "--netw", "x", "img"], ["run", "img", "ls", "--h"], ["stop", "-t", "x", "a"],
                                  ["run", "--pull", "sometimes", "img"], ["images"], [], ["--help"], ["-H"],
                                  ["run", "--", "img"], ["run", "-e", "-x", "img"], ["stop", "-t", "-1", "a"],
                                  ["-v"], ["update", "--cpus", "x", "a"]])
def test_what_argparse_must_read(argv):
    assert fastargs.parse(argv) is None


@pytest.mark.parametrize("argv", [["run", "--cpuset", "0", "busybox", "true"], ["run", "--entry", "sh", "busybox"],
                                  ["create", "--pids", "5", "busybox"], ["ps", "--no-tr"], ["rm", "--forc", "x"],
                                  ["logs", "--foll", "x"], ["update", "--mem", "1g", "x"], ["--ho", "x", "ps"]])
def test_no_abbreviations(argv):
    """Docker's flags have no abbreviations: `--pid 5` was read as
    `--pids-limit 5` (before --pid was a flag), `--entry` as `--entrypoint`.
    Refused, as an unknown flag."""
    assert fastargs.parse(argv) is None
    assert _argparse(argv) is None


# -- where the values go ------------------------------------------------------------

def _field(message: str, path: str):
    """The codec's field tuple at a dotted path from doca.v1.<message>."""
    full = f"doca.v1.{message}"
    for part in path.split("."):
        fields = {f[1]: f for f in doca_v1.MESSAGES[full][0]}
        assert part in fields, f"{full} has no field {part!r}"
        field, full = fields[part], fields[part][4]
    return field


@pytest.mark.parametrize("verb", sorted(flags.VERBS))
def test_every_to_is_a_field_of_the_request(verb):
    spec = flags.VERBS[verb]
    targets = [e for e in spec.flags + spec.args if e.to is not None]
    if REQUESTS[verb] is None:
        assert not targets
    for entry in targets:
        _field(REQUESTS[verb], entry.to)
        assert entry.convert is None or callable(getattr(convert, entry.convert))


def test_the_request_is_filled_from_the_table(monkeypatch):
    monkeypatch.setenv("FROM_CLIENT", "yes")
    args = fastargs.parse(["create", "--name", "web", "-e", "A=1", "-e", "FROM_CLIENT", "-e", "NOT_SET_ANYWHERE",
                           "-l", "k=v", "-l", "bare", "-m", "64m", "--cpus", "0.5", "--rm", "--entrypoint", "",
                           "busybox", "sh", "-c", "true"])
    got = request.fields("create", args)
    assert got["name"] == "web" and got["memory"] == "64m" and got["cpus"] == 0.5 and got["auto_remove"] is True
    assert got["env"] == ["A=1", "FROM_CLIENT=yes", "NOT_SET_ANYWHERE"]  # bare, as Docker's CLI sends it
    assert got["labels"] == {"k": "v", "bare": ""}
    assert got["entrypoint"] == [""] and got["image"] == "busybox" and got["cmd"] == ["sh", "-c", "true"]
    assert "stop_timeout" not in got  # unset stays unset
    assert "pull" not in got  # the CLI's own
    assert doca_v1.ContainerConfig(**got).SerializeToString()
    assert request.fields("create", fastargs.parse(["create", "img"]))["entrypoint"] == []


def test_env_files_come_before_env(tmp_path):
    """A variable given both ways takes -e's value: the engine keeps the last."""
    (tmp_path / "vars").write_text("A=from-file\n# comment\nB=2\n")
    args = fastargs.parse(["run", "-e", "A=from-flag", "--env-file", str(tmp_path / "vars"), "img"])
    assert request.fields("create", args)["env"] == ["A=from-file", "B=2", "A=from-flag"]


def test_a_new_flag_is_one_entry(monkeypatch):
    """A flag added to the table is read by both readers and lands at its
    field path, nested too, with nothing else changed."""
    extra = flags.Flag(("--example-limit",), to="resources.example_limit")
    for verb in ("run", "create"):
        spec = flags.VERBS[verb]
        monkeypatch.setitem(flags.VERBS, verb, flags.Verb(spec.target, spec.help, spec.flags + (extra,), spec.args))
    argv = ["create", "--example-limit", "1g", "-m", "512m", "busybox"]
    fast = fastargs.parse(argv)
    assert vars(fast) == vars(main.build_parser(argv).parse_args(argv))
    got = request.fields("create", fast)
    assert got["resources"] == {"example_limit": "1g"} and got["memory"] == "512m"


@pytest.mark.parametrize("verb, field, flag", [("stop", "timeout", "--time"), ("run", "cpu_shares", "--cpu-shares"),
                                               ("create", "stop_timeout", "--stop-timeout"),
                                               ("update", "pids_limit", "--pids-limit"), ("run", "network", "--network"),
                                               ("logs", "tail", "--tail")])
def test_usage_errors_name_the_flag_of_the_field(verb, field, flag):
    err = OutOfRange(1 << 70, f"doca.v1.X.{field}", 0, 1)
    assert f'for "{flag}" flag: value out of range' in errors.usage_error(err, verb)
