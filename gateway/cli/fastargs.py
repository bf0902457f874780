"""The command line of the frequent verbs (run, create, start, stop, kill,
rm, wait, ps, exec...) read without argparse, which costs a CLI call more
than the rest of its start-up (argparse imports re and gettext, and building
the parsers is slow).

parse() gives the namespace argparse would give, or None: then main.py asks
argparse, which also prints help, usage errors and their exit code. So this
reads only what it can read exactly as argparse does (exact option strings,
--opt=value, -abc of flags, options before the positionals) and returns
None for anything else: abbreviations, values that start with '-', '--',
help, bad numbers. tests/cli/test_cli_args.py checks the declarations below
against the argparse ones (verbs/) and compares both readers on many
command lines.
"""
FLAG, STR, INT, FLOAT, APPEND, CHOICE, HELP = range(7)

# option strings, dest, kind, default (for CHOICE: (default, choices))
_CONFIG = (
    (("--help",), "help", HELP, None),
    (("--name",), "name", STR, ""),
    (("-e", "--env"), "env", APPEND, ()),
    (("-m", "--memory"), "memory", STR, ""),
    (("--cpus",), "cpus", FLOAT, 0.0),
    (("-c", "--cpu-shares"), "cpu_shares", INT, 0),
    (("--pids-limit",), "pids_limit", INT, 0),
    (("--network", "--net"), "network", STR, ""),
    (("--network-alias",), "network_alias", APPEND, ()),
    (("--add-host",), "add_host", APPEND, ()),
    (("--dns",), "dns", APPEND, ()),
    (("--dns-search",), "dns_search", APPEND, ()),
    (("--dns-option",), "dns_option", APPEND, ()),
    (("--ip",), "ip", STR, ""),
    (("-p", "--publish"), "publish", APPEND, ()),
    (("-P", "--publish-all"), "publish_all", FLAG, False),
    (("-v", "--volume"), "volume", APPEND, ()),
    (("-w", "--workdir"), "workdir", STR, ""),
    (("-u", "--user"), "user", STR, ""),
    (("-h", "--hostname"), "hostname", STR, ""),
    (("--entrypoint",), "entrypoint", STR, None),
    (("-l", "--label"), "label", APPEND, ()),
    (("--rm",), "rm", FLAG, False),
    (("-i", "--interactive"), "interactive", FLAG, False),
    (("-t", "--tty"), "tty", FLAG, False),
    (("--log-opt",), "log_opt", APPEND, ()),
    (("--cap-add",), "cap_add", APPEND, ()),
    (("--cap-drop",), "cap_drop", APPEND, ()),
    (("--privileged",), "privileged", FLAG, False),
    (("--security-opt",), "security_opt", APPEND, ()),
    (("--ulimit",), "ulimit", APPEND, ()),
    (("--read-only",), "read_only", FLAG, False),
    (("--tmpfs",), "tmpfs", APPEND, ()),
    (("--env-file",), "env_file", APPEND, ()),
    (("--health-cmd",), "health_cmd", STR, ""),
    (("--health-interval",), "health_interval", STR, ""),
    (("--health-timeout",), "health_timeout", STR, ""),
    (("--health-start-period",), "health_start_period", STR, ""),
    (("--health-retries",), "health_retries", INT, 0),
    (("--no-healthcheck",), "no_healthcheck", FLAG, False),
    (("--init",), "init", FLAG, False),
    (("--runtime",), "runtime", STR, ""),
    (("--userns-remap",), "userns_remap", STR, ""),
    (("--cgroupns",), "cgroupns", STR, ""),
    (("--restart",), "restart", STR, ""),
    (("--stop-signal",), "stop_signal", STR, ""),
    (("--stop-timeout",), "stop_timeout", INT, None),
    (("--pull",), "pull", CHOICE, ("missing", ("missing", "always", "never"))),
)
_HELP = ((("-h", "--help"), "help", HELP, None),)
_TIME = ((("-t", "--time"), "time", INT, -1),)

# Positionals: ONE_AND_REST = a name, then everything left (argparse.REMAINDER);
# SOME = nargs "+"; NONE = no positional.
NONE, SOME, ONE_AND_REST = range(3)

# verb -> (target, options, positional kind, positional dests)
VERBS = {
    "run": ("run:run", ((("-d", "--detach"), "detach", FLAG, False),) + _CONFIG, ONE_AND_REST, ("image", "command")),
    "create": ("run:create", _CONFIG, ONE_AND_REST, ("image", "command")),
    "start": ("run:start", _HELP + ((("-a", "--attach"), "attach", FLAG, False),
                                    (("-i", "--interactive"), "interactive", FLAG, False)), SOME, ("containers",)),
    "ps": ("containers:ps", _HELP + (
        (("-a", "--all"), "all", FLAG, False),
        (("-q", "--quiet"), "quiet", FLAG, False),
        (("--format",), "format", STR, ""),
        (("--no-trunc",), "no_trunc", FLAG, False)), NONE, ()),
    "stop": ("containers:stop", _HELP + _TIME, SOME, ("containers",)),
    "restart": ("containers:restart", _HELP + _TIME, SOME, ("containers",)),
    "kill": ("containers:kill", _HELP + ((("-s", "--signal"), "signal", STR, "KILL"),), SOME, ("containers",)),
    "rm": ("containers:rm", _HELP + ((("-f", "--force"), "force", FLAG, False),
                                     (("-v", "--volumes"), "volumes", FLAG, False)), SOME, ("containers",)),
    "wait": ("containers:wait", _HELP, SOME, ("containers",)),
    "pause": ("containers:pause", _HELP, SOME, ("containers",)),
    "unpause": ("containers:unpause", _HELP, SOME, ("containers",)),
    "exec": ("exec:exec_", _HELP + (
        (("-i", "--interactive"), "interactive", FLAG, False),
        (("-t", "--tty"), "tty", FLAG, False),
        (("-d", "--detach"), "detach", FLAG, False),
        (("-e", "--env"), "env", APPEND, ()),
        (("-w", "--workdir"), "workdir", STR, ""),
        (("-u", "--user"), "user", STR, ""),
        (("--privileged",), "privileged", FLAG, False)), ONE_AND_REST, ("container", "command")),
}

# The top-level parser's options (main.build_parser).
GLOBAL = ((("-h", "--help"), "help", HELP, None),
          (("-v", "--version"), "version", HELP, None),  # HELP: argparse prints it
          (("-H", "--host"), "host", STR, None),
          (("--tlscacert",), "tlscacert", STR, None),
          (("--tlscert",), "tlscert", STR, None),
          (("--tlskey",), "tlskey", STR, None))


class Args:
    """What argparse's Namespace offers the handlers: attributes."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Args({self.__dict__!r})"


def _table(options) -> tuple[dict, dict]:
    """(option string -> (dest, kind, choices), dest -> default)."""
    strings, defaults = {}, {}
    for names, dest, kind, default in options:
        choices = None
        if kind == CHOICE:
            default, choices = default
        for name in names:
            strings[name] = (dest, kind, choices)
        if kind != HELP:
            defaults[dest] = list(default) if kind == APPEND else default
    return strings, defaults


def _ambiguous(token: str, strings: dict) -> bool:
    """argparse's parser errors on this token wherever it stands (even among
    a command's arguments): a prefix of several of its option strings."""
    if len(token) < 2 or token[0] != "-" or token in strings:
        return False
    if "=" in token and token.split("=", 1)[0] in strings:
        return False
    if token[1] == "-":
        prefix = token.split("=", 1)[0]
        return sum(1 for s in strings if s.startswith(prefix)) > 1
    short = token[:2]
    return sum(1 for s in strings if s == short or s.startswith(token)) > 1


def _value(kind: int, text: str, choices):
    """The converted value, or raises ValueError (argparse would refuse it)."""
    if kind == INT:
        return int(text)
    if kind == FLOAT:
        return float(text)
    if kind == CHOICE and text not in choices:
        raise ValueError(text)
    return text


def _option(argv: list, j: int, strings: dict, values: dict) -> int:
    """Reads the option at argv[j] into values; the index after it, or -1
    when argparse must read this command line."""
    token = argv[j]
    spec = strings.get(token)
    explicit = None
    if spec is None:
        if token.startswith("--") and "=" in token:
            name, explicit = token.split("=", 1)
            spec = strings.get(name)
            if spec is None or spec[1] in (FLAG, HELP):
                return -1
        elif len(token) > 2 and token[1] != "-":
            # -it: single-letter flags together, when no option string starts with the token
            if any(s.startswith(token) for s in strings):
                return -1
            for letter in token[1:]:
                spec = strings.get("-" + letter)
                if spec is None or spec[1] != FLAG:
                    return -1
                values[spec[0]] = True
            return j + 1
        else:
            return -1
    dest, kind, choices = spec
    if kind == HELP:
        return -1
    if kind == FLAG:
        values[dest] = True
        return j + 1
    if explicit is None:
        if j + 1 >= len(argv) or argv[j + 1].startswith("-"):
            return -1
        explicit, j = argv[j + 1], j + 1
    try:
        value = _value(kind, explicit, choices)
    except (ValueError, TypeError, OverflowError):
        return -1
    if kind == APPEND:
        values[dest].append(value)
    else:
        values[dest] = value
    return j + 1


def parse(argv: list) -> Args | None:
    """The namespace of a frequent verb's command line, or None (argparse's turn)."""
    argv = list(argv)
    if "--" in argv:
        return None
    gstrings, values = _table(GLOBAL)
    i, n = 0, len(argv)
    while i < n and argv[i].startswith("-"):
        i = _option(argv, i, gstrings, values)
        if i < 0:
            return None
    if i >= n or argv[i] not in VERBS:
        return None
    verb = argv[i]
    target, options, positional, dests = VERBS[verb]
    strings, defaults = _table(options)
    for token in argv[i + 1:]:
        if _ambiguous(token, gstrings) or _ambiguous(token, strings):
            return None
    values.update(defaults)
    values["verb"], values["target"] = verb, target
    names: list = []
    closed = False  # options after the names: no name may follow
    j = i + 1
    while j < n:
        token = argv[j]
        if token.startswith("-"):
            if names:
                closed = True
            j = _option(argv, j, strings, values)
            if j < 0:
                return None
            continue
        if positional == ONE_AND_REST:
            values[dests[0]], values[dests[1]] = token, argv[j + 1:]
            break
        if positional == NONE or closed:
            return None
        names.append(token)
        j += 1
    else:
        if positional == ONE_AND_REST:
            return None  # the name is missing
    if positional == SOME:
        if not names:
            return None
        values[dests[0]] = names
    return Args(values)
