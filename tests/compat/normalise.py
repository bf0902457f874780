"""What legitimately differs between docker's and doca's output for the same
command, rewritten to one placeholder on both sides before comparing. Each
rule is one regular expression with the reason it is there; nothing else is
touched (see README.md, "Normalisation")."""
import re

# (pattern, replacement, why), applied in order to stdout and stderr
RULES = [
    # Ids are random (containers, volumes) or engine-made (image ids differ
    # by the config's bytes); full, short and digest forms.
    (re.compile(r"\b(sha256:)?[0-9a-f]{64}\b"), r"\1<ID>", "ids"),
    (re.compile(r"\b[0-9a-f]{12}\b"), "<ID>", "short ids"),
    # Times: when a container was made or started differs by the run.
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"), "<TIME>", "RFC 3339 times"),
    (re.compile(r"\b(\d+|About an?|Less than a|an?) (second|minute|hour|day|week|month|year)s?\b"),
     "<DURATION>", "human durations ('2 seconds', 'About a minute')"),
    # Sizes: the same files take a different size in each storage driver.
    (re.compile(r"\b\d+(\.\d+)?\s?([kKMGT]i?B|B)\b"), "<SIZE>", "sizes"),
    # Addresses are each engine's own.
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(/\d+)?\b"), "<IP>", "IPv4 addresses"),
    # Table columns are padded to the widest cell, which ids and sizes change;
    # the last column's trailing blanks are invisible.
    (re.compile(r"[ \t]{2,}"), "  ", "column padding"),
    (re.compile(r"[ \t]+$", re.M), "", "trailing blanks"),
]

# The engine's own name in messages ("docker: ...", "See 'doca run --help'").
ENGINE = re.compile(r"\b(docker|doca)\b")
# Prefixes docker's CLI puts before a daemon's error; doca has no daemon API in between.
ERROR_PREFIX = re.compile(r"^(ENGINE: |Error: |Error response from daemon: |ENGINE: Error response from daemon: )+",
                          re.M)


def output(text: str) -> str:
    for pattern, replacement, _ in RULES:
        text = pattern.sub(replacement, text)
    return text


def message(text: str) -> str:
    """stderr: the engine's name and docker's prefixes gone, lower case, one line per message."""
    text = ERROR_PREFIX.sub("", ENGINE.sub("ENGINE", output(text)))
    return "\n".join(line.strip() for line in text.lower().splitlines() if line.strip())
