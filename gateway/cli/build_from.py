"""The registries a Dockerfile's images come from, so that `doca build`
sends their credentials with the build (as Docker's CLI sends its auth
configs): the engine pulls a base image the store lacks with them.

Read lightly, without the Dockerfile front end (the CLI must start fast):
instructions joined across continuation lines, comments and heredoc bodies
skipped, the escape directive honoured; FROM's image, and COPY --from's
when it is not a stage. ARG defaults before the first FROM and --build-arg
values fill $NAME and ${NAME}; an image still holding a "$" (another form
of expansion) is skipped: the engine then pulls it without credentials.
"""
import re

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"(?<!<)<<-?([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def instructions(text: str):
    """(keyword upper-cased, the rest) of each instruction."""
    lines = text.splitlines()
    escape = "\\"
    i = 0
    while i < len(lines):  # parser directives: only at the very top
        m = _DIRECTIVE.match(lines[i])
        if not m:
            break
        if m.group(1).lower() == "escape":
            escape = m.group(2)
        i += 1
    parts: list[str] = []
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        if not parts and (not stripped or stripped.startswith("#")):
            continue
        if parts and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith(escape):
            parts.append(stripped[:-len(escape)])
            continue
        parts.append(stripped)
        whole = " ".join(parts).strip()
        parts = []
        keyword, _, rest = whole.partition(" ")
        for m in _HEREDOC.finditer(rest):  # their bodies are not instructions
            while i < len(lines) and lines[i].strip() != m.group(2):
                i += 1
            i += 1
        yield keyword.upper(), rest.strip()


def _substitute(word: str, args: dict) -> str:
    return _VAR.sub(lambda m: args.get(m.group(1) or m.group(2), m.group(0)), word)


def images(text: str, build_args: dict) -> list[str]:
    """The image references the Dockerfile names, in order."""
    args: dict[str, str] = {}
    stages: set[str] = set()
    seen_from = False
    out = []
    for keyword, rest in instructions(text):
        words = rest.split()
        if keyword == "ARG" and not seen_from:
            for word in words:
                name, eq, value = word.partition("=")
                value = build_args.get(name, _substitute(value.strip("\"'"), args) if eq else None)
                if value is not None:
                    args[name] = value
        elif keyword == "FROM":
            seen_from = True
            words = [w for w in words if not w.startswith("--")]
            if len(words) == 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
            elif len(words) != 1:
                continue
            out.append(_substitute(words[0], args))
        elif keyword == "COPY":
            for word in words:
                if word.startswith("--from="):
                    out.append(word[len("--from="):])
    return [ref for ref in out
            if "$" not in ref and ref.lower() not in stages and ref != "scratch" and not ref.isdigit()]
