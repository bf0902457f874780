"""A .env file as Compose reads it: KEY=VALUE lines, `export ` allowed,
# comments (a whole line, or after an unquoted value and a blank), values
in single quotes (literal) or double quotes (\\n, \\t, \\", \\\\ escapes;
${VAR} substituted), unquoted values substituted too."""
from gateway.cli.compose.errors import BadFile


def read(path: str, env: dict) -> dict:
    """The file's variables; `env` (the shell's, taking precedence) is what
    their ${VAR} see, with the file's earlier lines."""
    from gateway.cli.compose import interpolate
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise BadFile(f"failed to read {path}: {(e.strerror or str(e)).lower()}") from None
    found: dict = {}
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not key or not all(c.isalnum() or c in "_.-" for c in key):
            raise BadFile(f"failed to read {path}: line {number}: unexpected character in variable name "
                               f"{key!r}")
        if not sep:
            if key in env:  # KEY alone: the shell's value, as Compose
                found[key] = env[key]
            continue
        value = value.strip()
        seen = {**found, **env}
        if value[:1] == "'":
            end = value.find("'", 1)
            if end < 0:
                raise BadFile(f"failed to read {path}: line {number}: unterminated quoted value")
            found[key] = value[1:end]
        elif value[:1] == '"':
            text, i = [], 1
            while i < len(value) and value[i] != '"':
                if value[i] == "\\" and i + 1 < len(value):
                    text.append({"n": "\n", "t": "\t", "r": "\r"}.get(value[i + 1], value[i + 1]))
                    i += 2
                    continue
                text.append(value[i])
                i += 1
            if i >= len(value):
                raise BadFile(f"failed to read {path}: line {number}: unterminated quoted value")
            found[key] = interpolate.substitute("".join(text), seen, f"{path}:{number}")
        else:
            cut = value.find(" #")
            value = (value[:cut] if cut >= 0 else value).rstrip()
            found[key] = interpolate.substitute(value, seen, f"{path}:{number}")
    return found
