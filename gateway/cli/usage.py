"""Docker's words for each command: its usage line, its one-line summary and
how many arguments it takes, and the texts built from them (help, usage
errors). Read only when a command line is wrong or help is asked for: the
frequent verbs never import this module.

COMMANDS: command path -> (what follows the path in the usage line, the
summary, (min, max) arguments or None to take them from the parser's
positionals; max None: no limit). The usage lines are Docker's syntax; the
summaries are doca's own words."""

MANY = None

COMMANDS = {
    "": ("[OPTIONS] COMMAND", "Run and manage containers, images, volumes and networks", None),
    "attach": ("[OPTIONS] CONTAINER", "Connect this terminal's input and output to a running container",
               None),
    "build": ("[OPTIONS] PATH | URL | -", "Make an image from a Dockerfile and a context", (1, 1)),
    "commit": ("[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", "Make an image of a container's filesystem as it is now",
               None),
    "cp": ("[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdoca cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
           "Copy files or directories into or out of a container", None),
    "create": ("[OPTIONS] IMAGE [COMMAND] [ARG...]", "Make a container without starting it", (1, MANY)),
    "daemon": ("[OPTIONS]", "Run the whole doca stack in the foreground", None),
    "diff": ("CONTAINER", "List what changed in a container's filesystem since its image", None),
    "events": ("[OPTIONS]", "Print what happens to objects as it happens", None),
    "exec": ("[OPTIONS] CONTAINER COMMAND [ARG...]", "Start another process in a running container", (2, MANY)),
    "export": ("[OPTIONS] CONTAINER", "Write a container's filesystem out as a tar archive", None),
    "history": ("[OPTIONS] IMAGE", "List the layers an image was made of", None),
    "images": ("[OPTIONS] [REPOSITORY[:TAG]]", "List the images", (0, 1)),
    "import": ("[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
               "Make a one-layer image from a tar archive", (1, MANY)),
    "info": ("[OPTIONS]", "Describe the engine and what it holds", None),
    "inspect": ("[OPTIONS] NAME|ID [NAME|ID...]", "Print the full record of containers, images, volumes or networks",
                None),
    "kill": ("[OPTIONS] CONTAINER [CONTAINER...]", "Send a signal (KILL by default) to running containers", None),
    "load": ("[OPTIONS]", "Read images from a tar archive (a file or stdin)", None),
    "login": ("[OPTIONS] [SERVER]", "Store credentials for a registry.", None),
    "logout": ("[SERVER]", "Forget the credentials of a registry.", None),
    "logs": ("[OPTIONS] CONTAINER", "Print what a container wrote to its output", None),
    "pause": ("CONTAINER [CONTAINER...]", "Freeze every process of containers", None),
    "port": ("CONTAINER [PRIVATE_PORT[/PROTO]]", "List a container's published ports, or where one of them is", None),
    "ps": ("[OPTIONS]", "List the containers", None),
    "pull": ("[OPTIONS] NAME[:TAG|@DIGEST]", "Download an image from a registry", None),
    "push": ("[OPTIONS] NAME[:TAG]", "Upload an image to a registry", None),
    "rename": ("CONTAINER NEW_NAME", "Give a container another name", None),
    "restart": ("[OPTIONS] CONTAINER [CONTAINER...]", "Stop containers and start them again", None),
    "rm": ("[OPTIONS] CONTAINER [CONTAINER...]", "Delete containers", None),
    "rmi": ("[OPTIONS] IMAGE [IMAGE...]", "Untag and delete images", None),
    "run": ("[OPTIONS] IMAGE [COMMAND] [ARG...]", "Make a container and start its command", (1, MANY)),
    "save": ("[OPTIONS] IMAGE [IMAGE...]",
             "Write images to a tar archive (stdout unless -o)", None),
    "start": ("[OPTIONS] CONTAINER [CONTAINER...]", "Start created or stopped containers", None),
    "stats": ("[OPTIONS] [CONTAINER...]", "Print containers' resource usage as it changes", None),
    "stop": ("[OPTIONS] CONTAINER [CONTAINER...]", "Stop running containers (their stop signal, then KILL)", None),
    "tag": ("SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", "Give an image another name", None),
    "top": ("CONTAINER [ps OPTIONS]", "List a container's processes", (1, MANY)),
    "unpause": ("CONTAINER [CONTAINER...]", "Thaw paused containers", None),
    "update": ("[OPTIONS] CONTAINER [CONTAINER...]", "Change the limits or restart policy of containers", None),
    "version": ("[OPTIONS]", "Print the client's and the engine's versions", None),
    "wait": ("CONTAINER [CONTAINER...]", "Wait for containers to stop and print their exit codes", None),
    # management commands and their own subcommands (the others are aliases: main.GROUP_ALIASES)
    "builder": ("COMMAND", "Builds and their cache", None),
    "compose": ("[OPTIONS] COMMAND", "Define and run applications of several containers (compose files)", None),
    "compose build": ("[OPTIONS] [SERVICE...]", "Build the services' images", None),
    "compose config": ("[OPTIONS]", "Print the compose model, resolved", (0, 0)),
    "compose down": ("[OPTIONS]", "Stop and remove the project's containers and networks", (0, 0)),
    "compose exec": ("[OPTIONS] SERVICE COMMAND [ARGS...]", "Run a command in a service's running container",
                     (2, MANY)),
    "compose logs": ("[OPTIONS] [SERVICE...]", "Print the services' output", None),
    "compose ps": ("[OPTIONS] [SERVICE...]", "List the project's containers", None),
    "compose pull": ("[OPTIONS] [SERVICE...]", "Pull the services' images", None),
    "compose restart": ("[OPTIONS] [SERVICE...]", "Restart the services' containers", None),
    "compose run": ("[OPTIONS] SERVICE [COMMAND] [ARGS...]", "Run a one-off command in a new container of a service",
                    (1, MANY)),
    "compose start": ("[SERVICE...]", "Start the services' stopped containers", None),
    "compose stop": ("[OPTIONS] [SERVICE...]", "Stop the services' containers", None),
    "compose up": ("[OPTIONS] [SERVICE...]", "Create and start the services' containers", None),
    "builder prune": ("", "Delete the build cache", None),
    "container": ("COMMAND", "Containers", None),
    "container inspect": ("[OPTIONS] CONTAINER [CONTAINER...]",
                          "Print the full record of containers", None),
    "container prune": ("[OPTIONS]", "Delete every stopped container", None),
    "image": ("COMMAND", "Images", None),
    "image inspect": ("[OPTIONS] IMAGE [IMAGE...]", "Print the full record of images", None),
    "image prune": ("[OPTIONS]", "Delete images nothing uses", None),
    "network": ("COMMAND", "Networks", None),
    "network connect": ("[OPTIONS] NETWORK CONTAINER", "Join a container to a network", None),
    "network create": ("[OPTIONS] NETWORK", "Make a network", None),
    "network disconnect": ("[OPTIONS] NETWORK CONTAINER", "Take a container off a network", None),
    "network inspect": ("[OPTIONS] NETWORK [NETWORK...]", "Print the full record of networks",
                        None),
    "network ls": ("[OPTIONS]", "List the networks", None),
    "network prune": ("[OPTIONS]", "Delete the networks no container uses", None),
    "network rm": ("NETWORK [NETWORK...]", "Delete networks", None),
    "system": ("COMMAND", "The engine as a whole", None),
    "system df": ("[OPTIONS]", "Show the disk space images, containers and volumes take", None),
    "system prune": ("[OPTIONS]", "Delete what nothing uses", None),
    "volume": ("COMMAND", "Volumes", None),
    "volume create": ("[OPTIONS] [VOLUME]", "Make a volume", (0, 1)),
    "volume inspect": ("[OPTIONS] VOLUME [VOLUME...]", "Print the full record of volumes", None),
    "volume ls": ("[OPTIONS]", "List the volumes", None),
    "volume prune": ("[OPTIONS]", "Delete the volumes no container uses", None),
    "volume rm": ("[OPTIONS] VOLUME [VOLUME...]", "Delete volumes", None),
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
    """One row per option, in Docker's layout: its value kind, from the
    declaration, and its text: the declaration's help, else doca's words
    for it (usage_options.py)."""
    from gateway.cli.usage_options import BY_COMMAND, BYTES, TEXTS
    own = BY_COMMAND.get(path) or BY_COMMAND.get(_same_as(path) or "", {})
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
        name = longs[0] if longs else ""
        kind = "bytes" if name in BYTES and a.nargs != 0 else _value_word(a)
        text = (a.help or "").replace("%(default)s", str(a.default)) or own.get(name) or TEXTS.get(name, "")
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
