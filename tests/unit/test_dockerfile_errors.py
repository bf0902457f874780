"""Syntax errors: every one names the file, the line the instruction starts
on, and what was expected. (HEALTHCHECK's are in test_dockerfile_healthcheck,
heredocs' in test_dockerfile_heredoc.)"""
import pytest

from common.errors import InvalidArgument
from services.images.dockerfile import DockerfileError, parse

FROM_USAGE = "FROM requires either one or three arguments: expected FROM [--platform=<platform>] <image> [AS <name>]"
STAGE_NAME = "expected a letter followed by letters, digits, '.', '_' or '-'"
RUN_USAGE = 'RUN requires a command: expected RUN <command> or RUN ["executable", "arg", ...]'
SHELL_USAGE = 'expected SHELL ["executable", "parameters"]'
COPY_USAGE = "expected COPY [--flags] <src>... <dest>"
ADD_FLAGS = "--chown, --chmod, --link, --checksum, --keep-git-dir, --exclude"
NOT_TRIGGER = "isn't allowed as an ONBUILD trigger: expected another instruction"

# (Dockerfile, line of the error, what the message says after "Dockerfile:LINE: ")
CASES = [
    # unknown instructions, with a suggestion when one is close
    ("FROM a\nRUN x\nRUNN y\n", 3, "unknown instruction: RUNN (did you mean RUN?)"),
    ("FROM a\ncopyy a b\n", 2, "unknown instruction: COPYY (did you mean COPY?)"),
    ("FROM a\nXYZZY\n", 2, "unknown instruction: XYZZY"),
    # the line of a continued instruction is its first line
    ("FROM a\nRUN a \\\n  b\nBAD \\\n  c\n", 4, "unknown instruction: BAD (did you mean ADD?)"),
    # FROM
    ("FROM\n", 1, FROM_USAGE),
    ("FROM a b\n", 1, FROM_USAGE),
    ("FROM a AS\n", 1, FROM_USAGE),
    ("FROM a IS b\n", 1, FROM_USAGE),
    ("FROM a AS 1st\n", 1, f"invalid stage name '1st': {STAGE_NAME}"),
    ("FROM a AS b/c\n", 1, f"invalid stage name 'b/c': {STAGE_NAME}"),
    ("FROM a AS scratch\n", 1, "stage name 'scratch' is reserved: expected another name"),
    ("FROM a AS Context\n", 1, "stage name 'context' is reserved: expected another name"),
    # flags
    ("FROM a\nRUN --foo=1 x\n", 2, "unknown flag --foo for RUN: expected one of --mount, --network, --security"),
    ("FROM a\nCMD --help\n", 2, "unknown flag --help for CMD: CMD takes no flags"),
    ("FROM a\nADD --from=b x y\n", 2, f"unknown flag --from for ADD: expected one of {ADD_FLAGS}"),
    ("FROM a\nCOPY --from=a --from=b x y\n", 2, "--from given twice for COPY: expected it at most once"),
    ("FROM a\nCOPY --from x y\n", 2, "--from needs a value: expected --from=VALUE"),
    ("FROM a\nCOPY --from= x y\n", 2, "--from needs a value: expected --from=VALUE"),
    ("FROM --platform= a\n", 1, "--platform needs a value: expected --platform=VALUE"),
    ("FROM a\nRUN --mount x\n", 2, "--mount needs a value: expected --mount=VALUE"),
    ("FROM a\nCOPY --link=maybe x y\n", 2, "--link expects true or false, not 'maybe'"),
    ("FROM a\nRUN --network=bridge x\n", 2, "RUN --network=bridge: expected one of default, none, host"),
    ("FROM a\nRUN --security=loose x\n", 2, "RUN --security=loose: expected one of sandbox, insecure"),
    # RUN / SHELL
    ("FROM a\nRUN\n", 2, RUN_USAGE),
    ("FROM a\nRUN []\n", 2, RUN_USAGE),
    ("FROM a\nRUN --network=none\n", 2, RUN_USAGE),
    ("FROM a\nSHELL /bin/bash -c\n", 2, f"SHELL requires the JSON form: {SHELL_USAGE}"),
    ("FROM a\nSHELL []\n", 2, f"SHELL requires at least one argument: {SHELL_USAGE}"),
    # COPY / ADD
    ("FROM a\n\n\n\nCOPY onlyone\n", 5, f"COPY requires at least two arguments: {COPY_USAGE}"),
    ("FROM a\nADD\n", 2, "ADD requires at least two arguments: expected ADD [--flags] <src>... <dest>"),
    ('FROM a\nCOPY ["a"]\n', 2, f"COPY requires at least two arguments: {COPY_USAGE}"),
    ('FROM a\nCOPY ["a", 1]\n', 2, f"COPY: the JSON form must be an array of strings: {COPY_USAGE}"),
    # ENV / LABEL / ARG
    ("FROM a\nENV\n", 2, "ENV requires at least one argument: expected ENV <key>=<value> ..."),
    ("FROM a\nENV A\n", 2, "ENV A has no value: expected ENV <key>=<value> ... (or the legacy ENV <key> <value>)"),
    ("FROM a\nENV A=1 B\n", 2, "ENV: can't find = in 'B': expected ENV <key>=<value> ..."),
    ("FROM a\nENV =1\n", 2, "ENV names can not be blank: expected ENV <key>=<value> ..."),
    ("FROM a\nLABEL a=1 =2\n", 2, "LABEL names can not be blank: expected LABEL <key>=<value> ..."),
    ("FROM a\nARG\n", 2, "ARG requires at least one argument: expected ARG <name>[=<default>] ..."),
    ("ARG =x\nFROM a\n", 1, "ARG names can not be blank: expected ARG <name>[=<default>] ..."),
    # single-value instructions
    ("FROM a\nWORKDIR\n", 2, "WORKDIR requires exactly one argument: expected WORKDIR <path>"),
    ("FROM a\nUSER   \n", 2, "USER requires exactly one argument: expected USER <user>[:<group>]"),
    ("FROM a\nSTOPSIGNAL\n", 2, "STOPSIGNAL requires exactly one argument: expected STOPSIGNAL <signal>"),
    ("FROM a\nSTOPSIGNAL TERM KILL\n", 2, "STOPSIGNAL requires exactly one argument: expected STOPSIGNAL <signal>"),
    ("FROM a\nMAINTAINER\n", 2, "MAINTAINER requires exactly one argument: expected MAINTAINER <name>"),
    ("FROM a\nEXPOSE\n", 2, "EXPOSE requires at least one argument: expected EXPOSE <port>[/<protocol>] ..."),
    ("FROM a\nVOLUME\n", 2,
     'VOLUME requires at least one argument: expected VOLUME <path> ... or VOLUME ["<path>", ...]'),
    ('FROM a\nVOLUME ["/a", ""]\n', 2, "VOLUME specified can not be an empty string: expected a path"),
    # ONBUILD
    ("FROM a\nONBUILD\n", 2, "ONBUILD requires an instruction: expected ONBUILD <instruction>"),
    ("FROM a\nONBUILD ONBUILD RUN x\n", 2, f"ONBUILD {NOT_TRIGGER}"),
    ("FROM a\nONBUILD FROM b\n", 2, f"FROM {NOT_TRIGGER}"),
    ("FROM a\nONBUILD MAINTAINER me\n", 2, f"MAINTAINER {NOT_TRIGGER}"),
    ("FROM a\nONBUILD RUNN x\n", 2, "unknown instruction: RUNN (did you mean RUN?)"),
    ("FROM a\nONBUILD COPY x\n", 2, f"COPY requires at least two arguments: {COPY_USAGE}"),
]


@pytest.mark.parametrize("text, line, reason", CASES)
def test_syntax_errors(text, line, reason):
    with pytest.raises(DockerfileError) as e:
        parse(text)
    assert str(e.value) == f"Dockerfile:{line}: {reason}"
    assert (e.value.filename, e.value.line, e.value.reason) == ("Dockerfile", line, reason)


@pytest.mark.parametrize("text, message", [
    # the examples the work was specified with, verbatim
    ("FROM a\n\nRUNN x\n", "Dockerfile:3: unknown instruction: RUNN"),
    ("FROM a\n\n\n\nCOPY x\n", "Dockerfile:5: COPY requires at least two arguments"),
    ("FROM a\n\n\n\n\n\nRUN <<EOF\nx\n", "Dockerfile:7: unterminated heredoc <<EOF"),
])
def test_messages_start_with_the_specified_text(text, message):
    with pytest.raises(DockerfileError) as e:
        parse(text)
    assert str(e.value).startswith(message)


def test_a_continuation_joins_whatever_follows():
    # `RUN a \` followed by a blank line then `FROM`: the FROM is RUN's text.
    (run,) = parse("RUN a \\\n\nFROM\n").instructions
    assert run.command.args == ("a FROM",)


def test_error_is_invalid_argument_with_parts():
    with pytest.raises(InvalidArgument) as e:
        parse("FROM a\nRUNN x\n", "Dockerfile.dev")
    err = e.value
    assert isinstance(err, DockerfileError) and err.code == "INVALID_ARGUMENT"
    assert (err.filename, err.line) == ("Dockerfile.dev", 2)
    assert err.reason.startswith("unknown instruction: RUNN")


def test_the_first_error_wins():
    with pytest.raises(DockerfileError, match=r"^Dockerfile:2: "):
        parse("FROM a\nBAD\nWORSE\n")
