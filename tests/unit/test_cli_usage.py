"""The CLI's command-line grammar as Docker's (gateway/cli/cmdline.py and
usage.py): what a wrong command line prints and exits with, help, the
management commands' aliases, and what pflag accepts that argparse did not.
No stack: main.parse reads the line and stops before any call."""
import pytest

from gateway.cli import main


def _read(argv, capsys):
    """(exit code, stdout, stderr) of reading argv; code None when it parsed."""
    try:
        args = main.parse(argv)
    except SystemExit as e:
        out = capsys.readouterr()
        return e.code, out.out, out.err, None
    out = capsys.readouterr()
    return None, out.out, out.err, args


@pytest.mark.parametrize("argv, code, first_line", [
    (["run", "--nosuch"], 125, "unknown flag: --nosuch"),
    (["ps", "-x"], 125, "unknown shorthand flag: 'x' in -x"),
    (["rm", "-fz", "a"], 125, "unknown shorthand flag: 'z' in -z"),
    (["ps", "--format"], 125, "flag needs an argument: --format"),
    (["kill", "-s"], 125, "flag needs an argument: 's' in -s"),
    (["stop", "-t", "x", "a"], 125, 'invalid argument "x" for "-t, --time" flag: strconv.ParseInt: parsing "x": '
                                    "invalid syntax"),
    (["ps", "--all=maybe"], 125, 'invalid argument "maybe" for "-a, --all" flag: strconv.ParseBool: parsing '
                                 '"maybe": invalid syntax'),
    (["ps", "---x"], 125, "bad flag syntax: ---x"),
    (["run", "--pull", "bad", "img"], 125, "invalid pull option: 'bad': must be one of \"always\", \"missing\" or "
                                           "\"never\""),
    (["build", "--progress=x", "."], 125, 'invalid argument "x" for "--progress" flag: must be one of "auto", '
                                          '"plain", "quiet" or "tty"'),
    (["--nosuch", "ps"], 125, "unknown flag: --nosuch"),
    (["run"], 1, '"doca run" requires at least 1 argument.'),
    (["exec", "c"], 1, '"doca exec" requires at least 2 arguments.'),
    (["rename", "a"], 1, '"doca rename" requires exactly 2 arguments.'),
    (["logs"], 1, '"doca logs" requires exactly 1 argument.'),
    (["images", "a", "b"], 1, '"doca images" requires at most 1 argument.'),
    (["port"], 1, '"doca port" requires at least 1 and at most 2 arguments.'),
    (["ps", "extra"], 1, '"doca ps" accepts no arguments.'),
    (["container", "ls", "extra"], 1, '"doca container ls" accepts no arguments.'),
    (["volume", "create", "a", "b"], 1, '"doca volume create" requires at most 1 argument.'),
    (["rm", "--"], 1, '"doca rm" requires at least 1 argument.'),
    (["nosuchverb"], 1, "doca: 'nosuchverb' is not a doca command."),
    (["nosuchverb", "--all"], 125, "unknown flag: --all"),
    (["volume", "nosuch"], 1, "doca: unknown command: doca volume nosuch"),
    (["help", "nosuch"], 1, "unknown help topic: nosuch"),
])
def test_usage_errors_are_dockers(argv, code, first_line, capsys):
    got, out, err, _ = _read(argv, capsys)
    assert got == code
    assert not out
    assert err.splitlines()[0] == first_line
    if code == 125 and argv[0] != "nosuchverb" and not argv[0].startswith("-"):
        assert err.splitlines()[1] == f"See 'doca {argv[0]} --help'."


def test_a_count_error_shows_the_usage_line(capsys):
    _, _, err, _ = _read(["run"], capsys)
    assert "Usage:  doca run [OPTIONS] IMAGE [COMMAND] [ARG...]" in err
    assert "Make a container and start its command" in err


@pytest.mark.parametrize("argv, stream", [
    ([], "err"), (["volume"], "err"), (["container"], "err"), (["builder"], "err"),
    (["--help"], "out"), (["help"], "out"), (["help", "ps"], "out"), (["ps", "--help"], "out"),
    (["ps", "-h"], "out"), (["run", "--help"], "out"), (["container", "ls", "--help"], "out"),
    (["help", "container", "ls"], "out"), (["volume", "--help"], "out"), (["volume", "ls", "--help"], "out"),
    (["--help", "ps"], "out"), (["volume", "--help", "ls"], "out"), (["--help", "nosuchverb"], "out"),
])
def test_help_exits_0_on_dockers_stream(argv, stream, capsys):
    code, out, err, _ = _read(argv, capsys)
    assert code == 0
    text = out if stream == "out" else err
    assert "Usage:  doca" in text
    assert not (err if stream == "out" else out)


def test_group_help_lists_its_commands_once(capsys):
    _, _, err, _ = _read(["container"], capsys)
    listed = [line.split()[0] for line in err.split("Commands:\n")[1].split("\n\n")[0].splitlines()]
    assert listed == sorted(listed)
    assert {"ls", "run", "exec", "inspect", "prune", "cp", "commit", "wait"} <= set(listed)
    assert "ps" not in listed and "list" not in listed  # aliases of ls, as Docker's help


@pytest.mark.parametrize("argv, verb, values", [
    (["container", "ls", "-a"], "ps", {"all": True}),
    (["container", "list", "-q"], "ps", {"quiet": True}),
    (["container", "run", "--rm", "img", "true"], "run", {"image": "img", "command": ["true"], "rm": True}),
    (["container", "exec", "c", "ls"], "exec", {"container": "c", "command": ["ls"]}),
    (["container", "rm", "-f", "a"], "rm", {"force": True, "containers": ["a"]}),
    (["image", "build", "-q", "."], "build", {"quiet": True, "build_context": "."}),
    (["image", "remove", "busybox"], "rmi", {"images": ["busybox"]}),
])
def test_management_aliases_are_the_verbs(argv, verb, values, capsys):
    code, _, _, args = _read(argv, capsys)
    assert code is None
    assert args.verb == verb
    for key, value in values.items():
        assert getattr(args, key) == value


def test_container_inspect_is_containers_only(capsys):
    code, _, _, args = _read(["container", "inspect", "-f", "{{.Name}}", "c"], capsys)
    assert code is None and args.type == "container" and args.objects == ["c"]
    code, _, err, _ = _read(["container", "inspect", "--type", "image", "c"], capsys)
    assert code == 125 and err.startswith("unknown flag: --type")


@pytest.mark.parametrize("argv, values", [
    (["ps", "--all=false", "-q=true"], {"all": False, "quiet": True}),
    (["ps", "-a", "--all=false"], {"all": False}),
    (["kill", "-sKILL", "c"], {"signal": "KILL"}),
    (["kill", "-s=TERM", "c"], {"signal": "TERM"}),
    (["stop", "-t", "0x10", "c"], {"time": 16}),
    (["stop", "-t", "-1", "c"], {"time": -1}),
    (["rm", "a", "-f", "b"], {"force": True, "containers": ["a", "b"]}),
    (["inspect", "--format", "-{{.Name}}", "c"], {"format": "-{{.Name}}"}),
    (["run", "--name", "n", "img", "echo", "--rm", "-x"], {"rm": False, "command": ["echo", "--rm", "-x"]}),
    (["run", "--", "img", "ls"], {"image": "img", "command": ["ls"]}),
    (["exec", "c", "echo", "-n"], {"container": "c", "command": ["echo", "-n"]}),
    (["commit", "-p", "c"], {"pause": True, "container": "c", "reference": ""}),
    (["commit", "--pause=false", "c", "r:t"], {"pause": False, "reference": "r:t"}),
    (["rm", "--", "-weird"], {"containers": ["-weird"]}),
])
def test_what_pflag_reads(argv, values, capsys):
    code, _, err, args = _read(argv, capsys)
    assert code is None, err
    for key, value in values.items():
        assert getattr(args, key) == value


def test_no_args_help_lists_management_commands(capsys):
    _, _, err, _ = _read([], capsys)
    assert "Management Commands:\n  builder" in err
    assert "\nCommands:\n  attach" in err


def test_help_shows_options_in_dockers_layout(capsys):
    """Options read as Docker's help lays them out (value kind, text wrapped
    as pflag wraps them at 80 columns), in doca's own words: a declaration's
    help, else usage_options.py's."""
    _, out, _, _ = _read(["ps", "--help"], capsys)
    assert "  -a, --all             Every container, stopped ones too\n" in out
    assert "  -n, --last int        The N last created containers (all states)\n" in out
    assert "  -f, --filter list     Id, name, label, exited, status, ancestor,\n" in out
    _, out, _, _ = _read(["update", "--help"], capsys)
    assert "  -m, --memory bytes " in out
    assert all(len(line) < 80 for line in out.splitlines())


def test_every_option_has_a_text():
    """No option of any command is listed without words."""
    from gateway.cli import cmdline, usage

    def walk(parser, path):
        sub = cmdline._subparsers(parser)
        yield path, parser
        if sub is not None:
            for name, child in sub.choices.items():
                yield from walk(child, (path + " " + name).strip())

    bare = [(path, left) for path, p in walk(main.build_parser([]), "")
            for left, text in usage._option_rows(path, p._actions) if not text]
    assert bare == []


def test_no_command_reuses_a_global_options_name():
    """A command's option or argument named as a global option (build's
    CONTEXT was `context`, as -c/--context) would take its place in the
    namespace; the daemon's --log-level is the stack's own."""
    from gateway.cli import cmdline, flags
    globals_ = {f.dest for f in flags.GLOBAL} - {"help"}

    def walk(parser, path):
        sub = cmdline._subparsers(parser)
        if sub is not None:
            for name, child in sub.choices.items():
                yield from walk(child, path + [name])
        else:
            yield " ".join(path), {a.dest for a in parser._actions} & globals_

    clashes = {path: names for path, names in walk(main.build_parser([]), []) if names}
    assert clashes == {"daemon": {"log_level"}}


def test_an_unreachable_gateway_is_named_once_per_target(tmp_path):
    """As Docker's CLI: 'Cannot connect to the ... daemon at HOST' for each
    container a multi-target verb names, exit 1."""
    import os
    import subprocess
    import sys
    host = f"unix://{tmp_path}/nothing.sock"
    r = subprocess.run([sys.executable, "-m", "gateway.cli.main", "stop", "a", "b"], capture_output=True, text=True,
                       env={**os.environ, "DOCA_HOST": host, "DOCA_CLI_SERVER": "0"}, timeout=60)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [f"doca: Cannot connect to the doca daemon at {host}. Is the doca daemon running?"] * 2


@pytest.mark.parametrize("argv, usage_line", [
    (["--help", "ps"], "Usage:  doca ps [OPTIONS]"), (["-h", "ps"], "Usage:  doca ps [OPTIONS]"),
    (["volume", "--help", "ls"], "Usage:  doca volume ls [OPTIONS]"),
    (["--help", "container", "list"], "Usage:  doca container ls [OPTIONS]"),
])
def test_a_groups_help_flag_is_the_help_of_the_command_named_after_it(argv, usage_line, capsys):
    """cobra finds the command first: `docker --help ps` is ps' help."""
    code, out, _, _ = _read(argv, capsys)
    assert code == 0 and usage_line in out.splitlines()


@pytest.mark.parametrize("argv, values", [
    (["attach", "--sig-proxy=false", "c"], {"sig_proxy": False, "detach_keys": ""}),
    (["attach", "--detach-keys", "ctrl-a", "c"], {"sig_proxy": True, "detach_keys": "ctrl-a"}),
    (["logs", "--details", "c"], {"details": True}),
    (["rmi", "--no-prune", "i"], {"no_prune": True}),
    (["pull", "-a", "--platform", "linux/amd64", "i"], {"all_tags": True, "platform": "linux/amd64"}),
    (["push", "--all-tags", "i"], {"all_tags": True}),
    (["build", "--iidfile", "f", "-m", "1g", "-c", "2", "."], {"iidfile": "f", "memory": "1g", "cpu_shares": 2}),
    (["exec", "--env-file", "f", "--detach-keys", "a", "c", "true"], {"env_file": ["f"], "detach_keys": "a"}),
    (["start", "--detach-keys", "a", "c"], {"detach_keys": "a"}),
    (["rm", "-l", "c"], {"link": True}),
    (["stop", "--timeout", "3", "c"], {"time": 3}),
])
def test_docker_28s_verb_flags(argv, values, capsys):
    """The flags docker 28 lists for these verbs (but run/create's) are read."""
    code, _, err, args = _read(argv, capsys)
    assert code is None, err
    for key, value in values.items():
        assert getattr(args, key) == value
