"""Docker's words for each command: its usage line, its one-line summary and
how many arguments it takes, and the texts built from them (help, usage
errors). Read only when a command line is wrong or help is asked for: the
frequent verbs never import this module.

COMMANDS: command path -> (what follows the path in the usage line, the
summary, (min, max) arguments or None to take them from the parser's
positionals; max None: no limit). The texts are docker 20.10's."""

MANY = None

COMMANDS = {
    "": ("[OPTIONS] COMMAND", "A self-sufficient runtime for containers", None),
    "attach": ("[OPTIONS] CONTAINER", "Attach local standard input, output, and error streams to a running container",
               None),
    "build": ("[OPTIONS] PATH | URL | -", "Build an image from a Dockerfile", (1, 1)),
    "commit": ("[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", "Create a new image from a container's changes", None),
    "cp": ("[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdoca cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
           "Copy files/folders between a container and the local filesystem", None),
    "create": ("[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container", (1, MANY)),
    "daemon": ("[OPTIONS]", "Run the whole doca stack in the foreground", None),
    "diff": ("CONTAINER", "Inspect changes to files or directories on a container's filesystem", None),
    "events": ("[OPTIONS]", "Get real time events from the server", None),
    "exec": ("[OPTIONS] CONTAINER COMMAND [ARG...]", "Run a command in a running container", (2, MANY)),
    "export": ("[OPTIONS] CONTAINER", "Export a container's filesystem as a tar archive", None),
    "history": ("[OPTIONS] IMAGE", "Show the history of an image", None),
    "images": ("[OPTIONS] [REPOSITORY[:TAG]]", "List images", (0, 1)),
    "import": ("[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
               "Import the contents from a tarball to create a filesystem image", (1, MANY)),
    "info": ("[OPTIONS]", "Display system-wide information", None),
    "inspect": ("[OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Docker objects", None),
    "kill": ("[OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers", None),
    "load": ("[OPTIONS]", "Load an image from a tar archive or STDIN", None),
    "login": ("[OPTIONS] [SERVER]", "Log in to a Docker registry.", None),
    "logout": ("[SERVER]", "Log out from a Docker registry.", None),
    "logs": ("[OPTIONS] CONTAINER", "Fetch the logs of a container", None),
    "pause": ("CONTAINER [CONTAINER...]", "Pause all processes within one or more containers", None),
    "port": ("CONTAINER [PRIVATE_PORT[/PROTO]]", "List port mappings or a specific mapping for the container", None),
    "ps": ("[OPTIONS]", "List containers", None),
    "pull": ("[OPTIONS] NAME[:TAG|@DIGEST]", "Pull an image or a repository from a registry", None),
    "push": ("[OPTIONS] NAME[:TAG]", "Push an image or a repository to a registry", None),
    "rename": ("CONTAINER NEW_NAME", "Rename a container", None),
    "restart": ("[OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers", None),
    "rm": ("[OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers", None),
    "rmi": ("[OPTIONS] IMAGE [IMAGE...]", "Remove one or more images", None),
    "run": ("[OPTIONS] IMAGE [COMMAND] [ARG...]", "Run a command in a new container", (1, MANY)),
    "save": ("[OPTIONS] IMAGE [IMAGE...]",
             "Save one or more images to a tar archive (streamed to STDOUT by default)", None),
    "start": ("[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers", None),
    "stats": ("[OPTIONS] [CONTAINER...]", "Display a live stream of container(s) resource usage statistics", None),
    "stop": ("[OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers", None),
    "tag": ("SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", None),
    "top": ("CONTAINER [ps OPTIONS]", "Display the running processes of a container", (1, MANY)),
    "unpause": ("CONTAINER [CONTAINER...]", "Unpause all processes within one or more containers", None),
    "update": ("[OPTIONS] CONTAINER [CONTAINER...]", "Update configuration of one or more containers", None),
    "version": ("[OPTIONS]", "Show the Docker version information", None),
    "wait": ("CONTAINER [CONTAINER...]", "Block until one or more containers stop, then print their exit codes", None),
    # management commands and their own subcommands (the others are aliases: main.GROUP_ALIASES)
    "builder": ("COMMAND", "Manage builds", None),
    "builder prune": ("", "Remove build cache", None),
    "container": ("COMMAND", "Manage containers", None),
    "container inspect": ("[OPTIONS] CONTAINER [CONTAINER...]",
                          "Display detailed information on one or more containers", None),
    "container prune": ("[OPTIONS]", "Remove all stopped containers", None),
    "image": ("COMMAND", "Manage images", None),
    "image inspect": ("[OPTIONS] IMAGE [IMAGE...]", "Display detailed information on one or more images", None),
    "image prune": ("[OPTIONS]", "Remove unused images", None),
    "network": ("COMMAND", "Manage networks", None),
    "network connect": ("[OPTIONS] NETWORK CONTAINER", "Connect a container to a network", None),
    "network create": ("[OPTIONS] NETWORK", "Create a network", None),
    "network disconnect": ("[OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network", None),
    "network inspect": ("[OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks",
                        None),
    "network ls": ("[OPTIONS]", "List networks", None),
    "network prune": ("[OPTIONS]", "Remove all unused networks", None),
    "network rm": ("NETWORK [NETWORK...]", "Remove one or more networks", None),
    "system": ("COMMAND", "Manage Docker", None),
    "system df": ("[OPTIONS]", "Show docker disk usage", None),
    "system prune": ("[OPTIONS]", "Remove unused data", None),
    "volume": ("COMMAND", "Manage volumes", None),
    "volume create": ("[OPTIONS] [VOLUME]", "Create a volume", (0, 1)),
    "volume inspect": ("[OPTIONS] VOLUME [VOLUME...]", "Display detailed information on one or more volumes", None),
    "volume ls": ("[OPTIONS]", "List volumes", None),
    "volume prune": ("[OPTIONS]", "Remove all unused local volumes", None),
    "volume rm": ("[OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes", None),
}
# A subcommand that is another command under a group's name (`image ls` is `images`): its words.
SAME_AS = {"image ls": "images", "image rm": "rmi", "image history": "history", "image import": "import",
           "image load": "load", "image save": "save", "image tag": "tag", "image pull": "pull", "image push": "push",
           "image build": "build", "builder build": "build", "system events": "events", "system info": "info",
           "container cp": "cp", "container diff": "diff", "container rename": "rename", "container top": "top"}


# Aliases whose messages and help name the command by its own name, as Docker's do.
CANONICAL = {"container ps": "container ls", "container list": "container ls", "image list": "image ls",
             "image rmi": "image rm", "image remove": "image rm", "volume list": "volume ls",
             "volume remove": "volume rm", "network list": "network ls", "network remove": "network rm"}


def _same_as(path: str) -> str | None:
    """The top-level command a group's subcommand is ("container ls" is ps)."""
    from gateway.cli import main
    group, _, name = path.partition(" ")
    target = SAME_AS.get(path) or main.GROUP_ALIASES.get(group, {}).get(name)
    return target if target is None or isinstance(target, str) else target[0]


def entry(path: str) -> tuple:
    """(usage words, summary, counts) of a command path ("volume ls"), the
    top-level command's for a group's alias of it."""
    if path in COMMANDS:
        return COMMANDS[path]
    target = _same_as(path)
    return COMMANDS[target] if target is not None else ("[OPTIONS]", "", None)


def usage_line(path: str) -> str:
    words = entry(path)[0]
    return f"Usage:  doca {path} {words}".rstrip() if path else f"Usage:  doca {words}"


def counts(path: str, positionals) -> tuple:
    """(min, max) arguments: the table's, else what the parser's positionals take."""
    given = entry(path)[2]
    return taken(positionals) if given is None else given


def taken(positionals) -> tuple:
    """(min, max) arguments argparse's positionals take (max None: no limit)."""
    lo, hi = 0, 0
    for a in positionals:
        if a.nargs is None:
            lo, hi = lo + 1, None if hi is None else hi + 1
        elif a.nargs == "?":
            hi = None if hi is None else hi + 1
        elif a.nargs == "+":
            lo, hi = lo + 1, None
        else:  # "*", REMAINDER
            hi = None
    return lo, hi


def _plural(n: int) -> str:
    return "argument" if n == 1 else "arguments"


def count_error(path: str, lo: int, hi, n: int) -> str | None:
    """Docker's message (cli/required.go) when n arguments do not fit, else None."""
    if lo <= n and (hi is None or n <= hi):
        return None
    cmd = f'"doca {path}"'
    if hi == 0:
        head = f"{cmd} accepts no arguments."
    elif hi is None:
        head = f"{cmd} requires at least {lo} {_plural(lo)}."
    elif lo == hi:
        head = f"{cmd} requires exactly {lo} {_plural(lo)}."
    elif lo == 0:
        head = f"{cmd} requires at most {hi} {_plural(hi)}."
    else:
        head = f"{cmd} requires at least {lo} and at most {hi} {_plural(hi)}."
    return f"{head}\nSee 'doca {path} --help'.\n\n{usage_line(path)}\n\n{entry(path)[1]}\n"


def flag_error(path: str, message: str) -> str:
    return f"{message}\nSee '{('doca ' + path).strip()} --help'.\n"


# -- help -------------------------------------------------------------------------

def _option_rows(path: str, actions) -> list[tuple[str, str]]:
    """One row per option: Docker's value kind and text for an option Docker
    has (usage_options.py), doca's own help for the others."""
    from gateway.cli.usage_options import OPTIONS
    docker = OPTIONS.get(path) or OPTIONS.get(_same_as(path) or "", {})
    rows = []
    # sorted by name as pflag lists them; help is not listed, as Docker's
    for a in sorted(actions, key=lambda a: max(a.option_strings, key=len, default="").lstrip("-")):
        if not a.option_strings or a.help == "==SUPPRESS==" or a.__class__.__name__ == "_HelpAction":
            continue
        shorts = [s for s in a.option_strings if not s.startswith("--")]
        longs = [s for s in a.option_strings if s.startswith("--")]
        left = (shorts[0] + ", " if shorts else "    ") + ", ".join(longs or shorts[1:])
        if not longs and shorts:
            left = shorts[0]
        kind, text = docker.get(longs[0] if longs else "", (None, None))
        if text is None:
            kind, text = _value_word(a), (a.help or "").replace("%(default)s", str(a.default))
        if kind:
            left += " " + kind
        rows.append((left, text[:1].upper() + text[1:]))
    return rows


def _value_word(a) -> str:
    if a.nargs == 0:
        return ""
    if getattr(a.type, "__name__", "") == "boolean":
        return ""
    if a.type is int:
        return "int"
    if a.type is float:
        return "decimal"
    if a.__class__.__name__ == "_AppendAction":
        return "list"
    return "string"


def _table(rows, width: int = 0, gap: int = 3, wrap: bool = True) -> str:
    """Rows as Docker's help aligns them: the left column padded to its
    widest (at least width); options' texts wrapped as pflag wraps them."""
    if not rows:
        return ""
    width = max([width] + [len(left) for left, _ in rows])
    start = 2 + width + gap
    return "".join((f"  {left.ljust(width)}{' ' * gap}" + (_wrap(text, start) if wrap else text)).rstrip() + "\n"
                   for left, text in rows)


def _wrap(text: str, start: int, cols: int = 79) -> str:
    """pflag's wrap of an option's text that starts at column `start`
    (Docker's help: 80 columns less one): lines of cols - start less a slop
    of 5, a last line allowed the slop."""
    room, slop = cols - start, 5
    if room < 24:
        return text
    room -= slop
    lines = []
    while text:
        if room + slop > len(text):
            lines.append(text)
            break
        cut = text.rfind(" ", 0, room)
        if cut <= 0:
            lines.append(text)
            break
        lines.append(text[:cut])
        text = text[cut + 1:]
    return ("\n" + " " * start).join(lines)


def help_text(path: str, parser, subcommands=None) -> str:
    """Docker's help layout: usage, summary, then the root's options and
    commands, a group's commands, or a command's options."""
    out = [f"\n{usage_line(path)}\n\n{summary(path, parser.description or '')}\n"]
    options = _option_rows(path, parser._actions)
    if options:
        out.append("\nOptions:\n" + _table(options))
    if subcommands:
        groups = {n: h for n, h in subcommands.items() if not path and COMMANDS.get(n, ("",))[0] == "COMMAND"}
        if groups:
            out.append("\nManagement Commands:\n" + _table(sorted(groups.items()), 11, 1, wrap=False))
        rest = sorted((n, h) for n, h in subcommands.items() if n not in groups)
        out.append("\nCommands:\n" + _table(rest, 11, 1, wrap=False))
        out.append(f"\nRun '{('doca ' + path).strip()} COMMAND --help' for more information on a command.\n")
    return "".join(out)


def summary(path: str, fallback: str = "") -> str:
    text = entry(path)[1]
    return text or fallback[:1].upper() + fallback[1:]
