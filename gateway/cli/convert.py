"""What the CLI makes of a flag's value before it goes in a request: the
functions flags.py names in a Flag's `convert`. Values the client must read
itself (its environment, its files) are read here, as Docker's CLI does: a
remote engine cannot read them, and the engine reads no file a client names.
Unit conversion ("256m") is the gateway's."""


class UsageError(Exception):
    """A flag's value the CLI itself refuses: one line, Docker's 125."""
    for_the_user = True
    exit_code = 125


def key_values(items) -> dict:
    """KEY=VALUE (or a bare KEY: empty value) flags as a map (--label, --log-opt)."""
    return dict(i.split("=", 1) if "=" in i else (i, "") for i in items)


def uint16(value: int) -> int:
    """--blkio-weight: Docker's CLI reads a uint16."""
    if not 0 <= value <= 65535:
        raise UsageError(f'invalid argument "{value}" for "--blkio-weight" flag: strconv.ParseUint: parsing '
                         f'"{value}": {"invalid syntax" if value < 0 else "value out of range"}')
    return value


def env(items) -> list[str]:
    """-e: a bare KEY takes its value from the client's environment; one
    not set there stays bare, as Docker's CLI sends it (Config.Env keeps
    it, the process does not get it)."""
    out = []
    for item in items:
        if "=" not in item:
            import os
            if item in os.environ:
                out.append(f"{item}={os.environ[item]}")
                continue
        out.append(item)
    return out


def env_files(paths) -> list[str]:
    """--env-file: KEY=VALUE lines, # comments, a bare KEY from our environment,
    with Docker's message for bytes that are not UTF-8 (a NUL byte is the
    engine's to refuse)."""
    out = []
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read().split(b"\n")
        lines = []
        for number, line in enumerate(raw, 1):
            try:
                lines.append(line.decode("utf-8").strip())
            except UnicodeDecodeError:
                raise UsageError(f"env file {path} contains invalid utf8 bytes at line {number}: "
                                 f"[{' '.join(str(b) for b in line[:64])}]") from None
        out += env([line for line in lines if line and not line.startswith("#")])
    return out


def label_files(paths) -> dict:
    """--label-file: KEY=VALUE lines; blank lines, # comments and lines
    without '=' are skipped, as Docker's CLI reads them."""
    out = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError as e:
            raise UsageError(f"open {path}: {(e.strerror or str(e)).lower()}") from None
        for line in lines:
            line = line.lstrip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                out[key] = value
    return out


# containerd's platforms.Parse: the OS and architecture names it knows, and
# the architectures' other spellings
_OSES = ("linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "aix", "android",
         "dragonfly", "ios", "js", "plan9", "wasip1")
_ARCHES = {"amd64": "amd64", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "arm64": "arm64",
           "armhf": "arm", "armel": "arm", "arm": "arm", "i386": "386", "386": "386", "ppc64le": "ppc64le",
           "s390x": "s390x", "riscv64": "riscv64", "mips64le": "mips64le", "mips64": "mips64", "mipsle": "mipsle",
           "mips": "mips", "loong64": "loong64", "wasm": "wasm", "ppc64": "ppc64"}


def platform(text: str, image: str) -> None:
    """--platform: refused unless it names linux/amd64 (the only platform
    doca runs), with Docker's words for one it cannot parse and for an image
    of another platform."""
    if not text:
        return
    parts = text.lower().split("/")
    os_name, arch = "linux", "amd64"
    if len(parts) == 1 and parts[0] in _ARCHES:
        arch = _ARCHES[parts[0]]
    elif len(parts) == 1 and parts[0] in _OSES:
        os_name = parts[0]
    elif 2 <= len(parts) <= 3 and parts[0] in _OSES and parts[1] in _ARCHES:
        os_name, arch = parts[0], _ARCHES[parts[1]]
    else:
        raise UsageError(f'error parsing specified platform: "{text}": unknown operating system or architecture: '
                         "invalid argument")
    if (os_name, arch) != ("linux", "amd64"):
        raise UsageError(f"image with reference {image} was found but does not match the specified platform: "
                         f"wanted {os_name}/{arch}, actual: linux/amd64 (doca runs linux/amd64 alone)")


_CTRL = {"@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, "_": 31}


def detach_keys(text: str) -> bytes | None:
    """--detach-keys "ctrl-x,y": Docker's key sequence (moby/term's
    ToBytes): single characters, or ctrl- and a letter or one of @[\\]^_."""
    if not text:
        return None
    out = bytearray()
    for key in text.split(","):
        if len(key) == 1:
            out.append(ord(key))
            continue
        name = key[len("ctrl-"):] if key.startswith("ctrl-") else None
        if name is not None and len(name) == 1 and "a" <= name.lower() <= "z":
            out.append(ord(name.lower()) - ord("a") + 1)
        elif name in _CTRL:
            out.append(_CTRL[name])
        else:
            raise UsageError(f"Invalid detach keys ({text}) provided: unknown character: '{key}'")
    return bytes(out)


def entrypoint(value: str | None) -> list[str]:
    """--entrypoint: unset keeps the image's; "" clears it (one empty element)."""
    return [] if value is None else [value]


def _seccomp_profile(path: str) -> str:
    """The profile FILE as compact JSON, as Docker's CLI sends it. Its
    content is never quoted in an error: only where JSON failed."""
    import json
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UsageError(f"opening seccomp profile ({path}) failed: {e.strerror}") from None
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        where = f"line {e.lineno} column {e.colno}" if isinstance(e, json.JSONDecodeError) else "its encoding"
        raise UsageError(f"compacting json for seccomp profile ({path}) failed: not valid JSON ({where})") from None
    if not isinstance(doc, dict):
        raise UsageError(f"seccomp profile ({path}): the top level must be a JSON object")
    return json.dumps(doc, separators=(",", ":"))


def security_opts(items) -> list[str]:
    """seccomp=PATH is read here: the profile travels in the request."""
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            key, sep, value = item.partition(":")
        if key == "seccomp" and value not in ("unconfined", "builtin") and not value.lstrip().startswith("{"):
            item = "seccomp=" + _seccomp_profile(value)
        out.append(item)
    return out


# -- run/create's -a, --storage-opt, --userns (Docker's CLI's checks and words)

_STREAMS = ("stdin", "stdout", "stderr")


def attach_streams(items) -> list[str]:
    """-a STDIN|STDOUT|STDERR (any case), lower-cased."""
    out = []
    for item in items:
        if item.lower() not in _STREAMS:
            raise UsageError(f'invalid argument "{item}" for "-a, --attach" flag: valid streams are STDIN, '
                             f'STDOUT and STDERR')
        out.append(item.lower())
    return out


def storage_opts(items) -> list[str]:
    """--storage-opt KEY=VALUE: a word without '=' is refused by Docker's CLI."""
    for item in items:
        if "=" not in item:
            raise UsageError("invalid storage option")
    return list(items)


def userns_mode(value: str) -> str:
    """--userns: "host" or empty, as Docker's CLI takes it."""
    if value not in ("", "host"):
        raise UsageError("--userns: invalid USER mode")
    return value
