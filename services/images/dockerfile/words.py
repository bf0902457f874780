"""The shapes an instruction's text comes in, before any variable expansion.

BuildKit reads the text after the keyword in one of four ways, depending on
the instruction, and we keep the same four so that quoting behaves as users
expect from `docker build`:

- `leading_flags`: `--name=value` words at the start (every instruction);
- `json_array`: the exec form `["a", "b"]` (RUN, CMD, ENTRYPOINT, SHELL,
  COPY, ADD, VOLUME; a text that is not an array of strings is shell form);
- `fields`: plain whitespace splitting, quotes NOT grouping (COPY, ADD,
  VOLUME, EXPOSE, FROM): `COPY "a b" /x` is three words, as in Docker, and a
  name with spaces needs the JSON form;
- `shell_words`: whitespace splitting where quotes and the escape character
  group words and stay in them (ENV, LABEL, ARG): `a="x y"` is one word whose
  quotes the expander removes later.
"""
import json

_QUOTES = ("'", '"')


def fields(text: str) -> list[str]:
    return text.split()


def json_array(text: str) -> list[str] | None:
    """The exec form: a JSON array of strings, or None for anything else."""
    text = text.strip()
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def shell_words(text: str, escape: str) -> list[str]:
    """Split on whitespace outside quotes; quotes and escapes are kept.

    Inside single quotes the escape character is an ordinary character; an
    escape character at the very end of the text is dropped. `a=""` keeps
    its quotes, so it stays a word even though expansion will empty it."""
    words: list[str] = []
    word: list[str] = []
    quote = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote is None and ch.isspace():
            if word:
                words.append("".join(word))
                word = []
            i += 1
            continue
        if ch == escape and quote != "'":
            if i + 1 == n:
                break
            word.append(ch + text[i + 1])
            i += 2
            continue
        if quote is None and ch in _QUOTES:
            quote = ch
        elif ch == quote:
            quote = None
        word.append(ch)
        i += 1
    if word:
        words.append("".join(word))
    return words


def leading_flags(text: str, escape: str) -> tuple[list[str], str]:
    """Take the `--flag[=value]` words from the start of `text`.

    Returns the flag words (quotes removed, escapes applied: `--chown="a b"`
    is `--chown=a b`) and the rest of the text. A word `--` alone ends the
    flags and is dropped, as in BuildKit."""
    flags: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if not text.startswith("--", i):
            return flags, text[i:]
        word: list[str] = []
        quote = None
        while i < n and (quote is not None or not text[i].isspace()):
            ch = text[i]
            if ch == escape and quote != "'" and i + 1 < n:
                word.append(text[i + 1])
                i += 2
                continue
            if quote is None and ch in _QUOTES:
                quote = ch
            elif ch == quote:
                quote = None
            else:
                word.append(ch)
            i += 1
        if "".join(word) == "--":
            return flags, text[i:].lstrip()
        flags.append("".join(word))
