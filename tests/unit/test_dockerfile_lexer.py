"""The Dockerfile lexer (services/images/dockerfile/lexer.py): directives,
comments, continuations, keywords and the line numbers they keep."""
import pytest

from services.images.dockerfile import DockerfileError, parse
from services.images.dockerfile.lexer import Directives, read_directives, source_lines, split_nodes


def nodes(text):
    return [(n.keyword, n.rest, n.line, n.end_line) for n in split_nodes(text)[1]]


@pytest.mark.parametrize("text, escape, syntax", [
    ("FROM a\n", "\\", None),
    ("# escape=`\nFROM a\n", "`", None),
    ("# escape=\\\nFROM a\n", "\\", None),
    ("#escape=`\nFROM a\n", "`", None),
    ("# ESCAPE = `\nFROM a\n", "`", None),           # keys are case-insensitive, blanks allowed
    ("#\tescape\t=\t`\t\nFROM a\n", "`", None),
    ("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n", "`", "docker/dockerfile:1"),
    ("# syntax=docker/dockerfile:1.4\nFROM a\n", "\\", "docker/dockerfile:1.4"),
    # Anything before a directive ends the directives: it is a comment then.
    ("# a comment\n# escape=`\nFROM a\n", "\\", None),
    ("\n# escape=`\nFROM a\n", "\\", None),
    ("FROM a\n# escape=`\n", "\\", None),
    ("# unknown=x\n# escape=`\nFROM a\n", "\\", None),
    ("  # escape=`\nFROM a\n", "\\", None),          # not in the first column
])
def test_directives(text, escape, syntax):
    df = parse(text)
    assert (df.escape, df.syntax) == (escape, syntax)


def test_check_directive_is_kept():
    assert read_directives(["# check=skip=all", "FROM a"], "D") == Directives("\\", None, "skip=all")


@pytest.mark.parametrize("text, message", [
    ("# escape=`\n# escape=\\\nFROM a\n", "Dockerfile:2: only one escape parser directive can be used"),
    ("# syntax=a\n# syntax=b\nFROM a\n", "Dockerfile:2: only one syntax parser directive can be used"),
    ("# escape=x\nFROM a\n", "Dockerfile:1: invalid escape token 'x': expected \\ or `"),
    ("# syntax=a\n# escape=\nFROM a\n", "Dockerfile:2: invalid escape token '': expected \\ or `"),
])
def test_bad_directives(text, message):
    with pytest.raises(DockerfileError) as e:
        parse(text)
    assert str(e.value) == message


@pytest.mark.parametrize("text, expected", [
    # Comments only at the start of a line (after blanks); '#' elsewhere is text.
    ("# c\nFROM a\n  # indented comment\nRUN echo a # not a comment\n",
     [("FROM", "a", 2, 2), ("RUN", "echo a # not a comment", 4, 4)]),
    # Keywords are case-insensitive; blank lines are skipped.
    ("from a\n\n\nrun x\nCoPy a b\n", [("FROM", "a", 1, 1), ("RUN", "x", 4, 4), ("COPY", "a b", 5, 5)]),
    # Continuation: the escape and the line end vanish; nothing replaces them.
    ("RUN a \\\n  b\n", [("RUN", "a   b", 1, 2)]),
    ("RUN a\\\nb\n", [("RUN", "ab", 1, 2)]),
    # Blanks after the escape character still continue the line.
    ("RUN a \\  \t\nb\n", [("RUN", "a b", 1, 2)]),
    # Comment and empty lines inside a continuation are skipped, not ends.
    ("RUN a \\\n# comment\n\n   \n  # indented\nb\nFROM c\n", [("RUN", "a b", 1, 6), ("FROM", "c", 7, 7)]),
    # Several continuations; the last line ends the instruction.
    ("RUN a \\\nb \\\nc\nRUN d\n", [("RUN", "a b c", 1, 3), ("RUN", "d", 4, 4)]),
    # A continuation running into the end of the file ends there.
    ("RUN a \\\n", [("RUN", "a", 1, 1)]),
    ("RUN a \\\n\n# c\n", [("RUN", "a", 1, 1)]),
    # A doubled escape at the end still continues (the escape is not counted).
    ("RUN a \\\\\nb\n", [("RUN", "a \\b", 1, 2)]),
    # The escape character in the middle of a line is text for the parsers.
    ("RUN a\\b\n", [("RUN", "a\\b", 1, 1)]),
    # A backtick escape makes backslashes plain text (Windows paths).
    ("# escape=`\nCOPY a C:\\dir\\\nRUN a `\nb\n", [("COPY", "a C:\\dir\\", 2, 2), ("RUN", "a b", 3, 4)]),
    # Trailing blanks of the logical line are dropped; leading ones too.
    ("   FROM   a   \n", [("FROM", "a", 1, 1)]),
    # A line holding only the escape character joins the next one.
    ("\\\nFROM a\n", [("FROM", "a", 1, 2)]),
    # CRLF line endings and a byte order mark.
    ("\ufeffFROM a\r\nRUN b \\\r\n c\r\n", [("FROM", "a", 1, 1), ("RUN", "b  c", 2, 3)]),
    # No newline at the end of the file.
    ("FROM a\nRUN b", [("FROM", "a", 1, 1), ("RUN", "b", 2, 2)]),
    ("", []),
    ("# only a comment\n\n", []),
])
def test_logical_lines(text, expected):
    assert nodes(text) == expected


def test_keyword_alone_has_empty_rest():
    assert nodes("CMD\n") == [("CMD", "", 1, 1)]


@pytest.mark.parametrize("text, lines", [
    ("a\nb\n", ["a", "b"]),
    ("a\r\nb", ["a", "b"]),
    ("\ufeffa\n\n", ["a", ""]),
    ("a\rb\n", ["a\rb"]),  # a lone CR is not a line end
])
def test_source_lines(text, lines):
    assert source_lines(text) == lines


def test_bytes_are_decoded_and_bad_utf8_named():
    assert parse(b"FROM a\n").instructions[0].image == "a"
    with pytest.raises(DockerfileError, match=r"^Dockerfile:2: invalid UTF-8"):
        parse(b"FROM a\nRUN \xff\n")


def test_file_name_is_the_callers():
    with pytest.raises(DockerfileError) as e:
        parse("FROM a\nRUNN x\n", "build/Dockerfile.dev")
    assert str(e.value).startswith("build/Dockerfile.dev:2: unknown instruction: RUNN")
    assert (e.value.filename, e.value.line) == ("build/Dockerfile.dev", 2)
