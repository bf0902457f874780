"""Docker's command-line grammar (cobra and pflag) over the argparse parsers
of verbs/: what fastargs declines is read here.

argparse's own grammar differs from Docker's where a user sees it: its
messages ("unrecognized arguments", "expected one argument"), exit 2 or
125 for a missing argument, a flag's value that starts with '-' refused,
`--all=false` refused, `-sKILL`... So the command line is walked here as
pflag walks it: global options, the command (and a group's subcommand),
then the command's options and arguments (options anywhere, unless the
command takes a command line of its own, as run and exec: then the first
argument ends them; `--` ends them too). Each error is Docker's, with its
exit code: 125 for a flag, 1 for the number of arguments or an unknown
command; help goes to stdout (stderr for a group without its subcommand, as
Docker). argparse then reads the options rewritten in a form it cannot take
another way (`--name=value`), and only builds the namespace."""
import argparse
import sys

from gateway.cli import usage

TRUE, FALSE = ("1", "t", "T", "TRUE", "true", "True"), ("0", "f", "F", "FALSE", "false", "False")


def _exit(text: str, code: int, stream=None):
    (stream or sys.stderr).write(text)
    sys.exit(code)


def _subparsers(parser):
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _positionals(parser) -> list:
    return [a for a in parser._actions if not a.option_strings and not isinstance(a, argparse._SubParsersAction)]


def _is_bool(action) -> bool:
    flag = action.nargs == 0 and not isinstance(action, (argparse._HelpAction, argparse._VersionAction))
    return flag or getattr(action.type, "__name__", "") == "boolean"


def _flag_name(action) -> str:
    """pflag's name of a flag in its messages: "-t, --time" or "--name"."""
    shorts = [s for s in action.option_strings if not s.startswith("--")]
    longs = [s for s in action.option_strings if s.startswith("--")]
    return ", ".join(([shorts[0]] if shorts and longs else []) + (longs[:1] or shorts[:1]))


def _go_int(text: str) -> int:
    """strconv.ParseInt(text, 0, 64): a sign, then decimal, 0x, 0o, 0b (or
    a leading 0 for octal), underscores only with a base prefix."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isascii() or not body.replace("_", "").isalnum():
        raise ValueError(text)
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB_":
        value = int(body, 8)
    else:
        value = int(body, 0)
    value = -value if text[0] == "-" else value
    if not -(1 << 63) <= value < (1 << 63):
        raise OverflowError(text)
    return value


class Reader:
    """One command line's walk: `out` is what argparse reads afterwards."""

    def __init__(self, parser, path: list, asked: bool = False):
        self.parser, self.path = parser, path
        self.out: list = []
        self.seen: dict = {}  # action -> index in out (a later value or =false replaces it)
        # A group's (or the root's) --help is the help of the command the line goes on
        # to name (cobra finds the command first): kept until then.
        self.defer = _subparsers(parser) is not None
        self.asked = asked

    @property
    def shown(self) -> str:
        return " ".join(self.path)

    def fail_flag(self, message: str):
        _exit(usage.flag_error(self.shown, message), 125)

    def help(self, deprecated_h: bool = False):
        """Prints the help and exits; a group's waits for the command (self.asked)."""
        if deprecated_h:
            sys.stdout.write("Flag shorthand -h has been deprecated, please use --help\n")
        if self.defer:
            self.asked = True
            return
        _exit(help_text(self.shown, self.parser), 0, sys.stdout)

    def _lookup(self) -> tuple[dict, dict]:
        longs, shorts = {}, {}
        for a in self.parser._actions:
            for s in a.option_strings:
                if s.startswith("--"):
                    longs[s[2:]] = a
                elif len(s) == 2:
                    shorts[s[1]] = a
                else:  # a one-dash long option (none today): read as pflag reads a long one
                    longs[s[1:]] = a
        return longs, shorts

    def _emit(self, action, value) -> None:
        """The option in the form argparse reads whatever the value (help is option()'s)."""
        if isinstance(action, argparse._VersionAction):
            self.parser.parse_args([action.option_strings[0]])  # prints the version, exits 0
        name = next((s for s in action.option_strings if s.startswith("--")), action.option_strings[0])
        repeats = isinstance(action, (argparse._AppendAction, argparse._CountAction))
        if not repeats and action in self.seen:  # pflag: the last value wins
            self.out[self.seen.pop(action)] = None
        if action.nargs == 0:
            if value is False:
                return
            self.out.append(name)
        elif getattr(action.type, "__name__", "") == "boolean":
            self.out.append(f"{name}={'true' if value else 'false'}")
        else:
            self.out.append(f"{name}={value}")
        self.seen[action] = len(self.out) - 1

    def _checked(self, action, text: str):
        """The value as pflag converts it, or Docker's error (exit 125)."""
        name = _flag_name(action)
        if _is_bool(action):
            if text in TRUE:
                return True
            if text in FALSE:
                return False
            self.fail_flag(f'invalid argument "{text}" for "{name}" flag: strconv.ParseBool: parsing "{text}": '
                           "invalid syntax")
        if action.type is int:
            try:
                return _go_int(text)
            except OverflowError:
                self.fail_flag(f'invalid argument "{text}" for "{name}" flag: strconv.ParseInt: parsing "{text}": '
                               "value out of range")
            except ValueError:
                self.fail_flag(f'invalid argument "{text}" for "{name}" flag: strconv.ParseInt: parsing "{text}": '
                               "invalid syntax")
        if action.choices is not None and text not in action.choices:
            *rest, last = [f'"{c}"' for c in sorted(action.choices)]
            one_of = f"{', '.join(rest)} or {last}" if rest else last
            if name.endswith("--pull"):  # docker 28's words (20.10 let the engine ignore it)
                self.fail_flag(f"invalid pull option: '{text}': must be one of {one_of}")
            self.fail_flag(f'invalid argument "{text}" for "{name}" flag: must be one of {one_of}')
        if action.type is float:
            try:
                if "_" in text or text != text.strip():
                    raise ValueError(text)
                return float(text)
            except ValueError:
                self.fail_flag(f'invalid argument "{text}" for "{name}" flag: strconv.ParseFloat: parsing "{text}": '
                               "invalid syntax")
        return text

    def option(self, argv: list, i: int) -> int:
        """Reads the option at argv[i] (pflag's parseLongArg/parseShortArg); the index after it."""
        longs, shorts = self._lookup()
        token = argv[i]
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
            if not name or name[0] in "-=":
                self.fail_flag(f"bad flag syntax: {token}")
            action = longs.get(name)
            if action is None and name == "help" or isinstance(action, argparse._HelpAction):
                self.help()
                return i + 1
            if action is None:
                self.fail_flag(f"unknown flag: --{name}")
            if isinstance(action, argparse._VersionAction):
                self._emit(action, None)  # exits
            if eq:
                self._emit(action, self._checked(action, value))
            elif _is_bool(action):
                self._emit(action, True)
            elif i + 1 < len(argv):
                i += 1
                self._emit(action, self._checked(action, argv[i]))
            else:
                self.fail_flag(f"flag needs an argument: --{name}")
            return i + 1
        letters = token[1:]
        while letters:
            c = letters[0]
            action = shorts.get(c)
            if action is None and c == "h" or isinstance(action, argparse._HelpAction):
                self.help(deprecated_h=c == "h")
                letters = letters[1:]
                continue
            if action is None:
                self.fail_flag(f"unknown shorthand flag: '{c}' in -{letters}")
            if isinstance(action, argparse._VersionAction):
                self._emit(action, None)  # exits
            if len(letters) > 2 and letters[1] == "=":
                self._emit(action, self._checked(action, letters[2:]))
                letters = ""
            elif _is_bool(action):
                self._emit(action, True)
                letters = letters[1:]
            elif len(letters) > 1:
                self._emit(action, self._checked(action, letters[1:]))
                letters = ""
            elif i + 1 < len(argv):
                i += 1
                self._emit(action, self._checked(action, argv[i]))
                letters = ""
            else:
                self.fail_flag(f"flag needs an argument: '{c}' in -{letters}")
        return i + 1

    def options(self) -> list:
        return [t for t in self.out if t is not None]


def _is_option(token: str) -> bool:
    return token.startswith("-") and token != "-"


def help_text(path: str, parser) -> str:
    """The help of a command path; a group's lists its subcommands and the
    verbs it names (main.GROUP_ALIASES), without the aliases Docker hides."""
    sub = _subparsers(parser)
    commands = None
    if sub is not None:
        from gateway.cli import main
        commands = {a.dest: usage.summary(f"{path} {a.dest}".strip(), a.help or "") for a in sub._choices_actions}
        for name in main.GROUP_ALIASES.get(path, {}):
            commands.setdefault(name, usage.summary(f"{path} {name}"))
        commands = {n: h for n, h in commands.items() if n not in main.HIDDEN_ALIASES.get(path, ())}
    return usage.help_text(path, parser, commands)


def _group_words(reader: Reader, argv: list, i: int) -> tuple[int, str | None]:
    """Reads a group's (or the root's) options up to its next word: (index of the word, the word or None)."""
    while i < len(argv):
        token = argv[i]
        if token == "--":
            return i + 1, argv[i + 1] if i + 1 < len(argv) else None
        if not _is_option(token):
            return i, token
        i = reader.option(argv, i)
    return i, None


def read(parser, argv: list, shown=None):
    """argparse's namespace for argv read with Docker's grammar; Docker's
    message and exit code otherwise. `shown`: the command path as typed when
    main rewrote a group's alias (`container ls` read as ps)."""
    reader = Reader(parser, [])
    words: list = []
    i = 0
    while _subparsers(reader.parser) is not None:
        i, word = _group_words(reader, argv, i)
        sub = _subparsers(reader.parser)
        if word is None:  # Docker: a group's help on stderr, or on stdout when asked for
            _exit(help_text(reader.shown, reader.parser), 0, sys.stdout if reader.asked else None)
        if not reader.path and word == "help":
            _help_topic(parser, argv[i + 1:])
        if word not in sub.choices and reader.asked:  # `--help nosuch`: the help asked for
            _exit(help_text(reader.shown, reader.parser), 0, sys.stdout)
        if word not in sub.choices:
            if not reader.path:
                rest, j = argv[i + 1:], 0
                while j < len(rest):  # cobra reads the rest with the root's flags first
                    j = reader.option(rest, j) if _is_option(rest[j]) else j + 1
                _exit(f"doca: '{word}' is not a doca command.\nSee 'doca --help'\n", 1)
            _exit(f"doca: unknown command: doca {reader.shown} {word}\n\n{usage.usage_line(reader.shown)}\n\n"
                  f"Run 'doca {reader.shown} --help' for more information\n", 1)
        words += reader.options() + [word]
        reader = Reader(sub.choices[word], reader.path + [word], reader.asked)
        i += 1
    if shown:
        reader.path = shown.split()
    reader.path = usage.CANONICAL.get(reader.shown, reader.shown).split()
    if reader.asked:
        reader.help()
    positionals = _positionals(reader.parser)
    interspersed = not any(a.nargs == argparse.REMAINDER for a in positionals)
    names: list = []
    while i < len(argv):
        token = argv[i]
        if token == "--":
            names += argv[i + 1:]
            break
        if _is_option(token):
            i = reader.option(argv, i)
            continue
        names.append(token)
        i += 1
        if not interspersed:
            names += argv[i:]
            break
    lo, hi = usage.counts(reader.shown, positionals)
    message = usage.count_error(reader.shown, lo, hi, len(names))
    if message:
        _exit(message, 1)
    room = usage.taken(positionals)[1]  # what the parser takes; Docker ignores more (import a b c)
    tail = names if room is None else names[:room]
    if interspersed and any(_is_option(n) for n in names):
        tail = ["--"] + tail
    return parser.parse_args(words + reader.options() + tail)


def _help_topic(root, topic: list) -> None:
    """`doca help [COMMAND [SUBCOMMAND]]`: that command's help on stdout."""
    parser, path = root, []
    for word in [w for w in topic if not _is_option(w)]:
        sub = _subparsers(parser)
        if sub is None:
            break
        if word not in sub.choices:
            from gateway.cli import main
            if path and word in main.GROUP_ALIASES.get(path[0], {}):
                target = main.GROUP_ALIASES[path[0]][word]
                target = target if isinstance(target, str) else target[0]
                parser = _subparsers(root).choices.get(target, parser)
                path.append(word)
                break
            _exit(f"unknown help topic: {' '.join(topic)}\n", 1)
        parser, path = sub.choices[word], path + [word]
    _exit(help_text(" ".join(path), parser), 0, sys.stdout)
