"""Heredocs (services/images/dockerfile/heredoc.py): markers, bodies,
`<<-`, quoted delimiters, several per line, continuations, and what RUN,
COPY and ADD make of them."""
import pytest

from services.images.dockerfile import DockerfileError, Expander, parse
from services.images.dockerfile.heredoc import find_markers


def only(text):
    (inst,) = [i for i in parse(text).instructions if i.keyword != "FROM"]
    return inst


@pytest.mark.parametrize("line, expected", [
    # (name, expand, chomp, fd, marker text)
    ("<<EOF", [("EOF", True, False, None, "<<EOF")]),
    ("cat <<EOF", [("EOF", True, False, None, "<<EOF")]),
    ("<<-EOF", [("EOF", True, True, None, "<<-EOF")]),
    ('<<"EOF"', [("EOF", False, False, None, '<<"EOF"')]),
    ("<<'EOF'", [("EOF", False, False, None, "<<'EOF'")]),
    ('<<-"EOF"', [("EOF", False, True, None, '<<-"EOF"')]),
    ('<<E"O"F', [("EOF", False, False, None, '<<E"O"F')]),
    ("<<\\EOF", [("EOF", False, False, None, "<<\\EOF")]),
    ("3<<EOF cat /dev/fd/3", [("EOF", True, False, 3, "3<<EOF")]),
    ("<<A <<B", [("A", True, False, None, "<<A"), ("B", True, False, None, "<<B")]),
    ("<<FILE1 cat > file1 && <<FILE2 cat > file2",
     [("FILE1", True, False, None, "<<FILE1"), ("FILE2", True, False, None, "<<FILE2")]),
    # The delimiter stops at a shell operator, as the shell reads it.
    ("cat <<EOF>out", [("EOF", True, False, None, "<<EOF")]),
    ("cat <<EOF|wc", [("EOF", True, False, None, "<<EOF")]),
    # Not heredocs: quoted, escaped, a here-string, inside a word, no delimiter.
    ("echo '<<EOF'", []),
    ('echo "<<EOF"', []),
    ("echo \\<<EOF", []),
    ("cat <<<EOF", []),
    ("cat<<EOF", []),
    ("echo a<<EOF", []),
    ("cat << EOF", []),
    ("echo $((1<<2))", []),
])
def test_markers(line, expected):
    got = [(m.name, m.expand, m.chomp, m.fd, m.text) for m in find_markers(line, "\\")]
    assert got == expected


def test_marker_with_backtick_escape():
    assert [m.name for m in find_markers("<<`EOF", "`")] == ["EOF"]
    assert find_markers("<<`EOF", "`")[0].expand is False
    assert find_markers("echo `<<EOF", "`") == []


def test_run_heredoc_body_and_lines():
    text = "FROM a\nRUN <<EOF\nset -e\n# not a comment here\necho hi \\\n\nEOF\nRUN next\n"
    df = parse(text)
    run, nxt = df.instructions[1], df.instructions[2]
    (doc,) = run.heredocs
    assert doc.content == "set -e\n# not a comment here\necho hi \\\n\n"
    assert (run.loc.line, run.loc.end_line) == (2, 7)
    assert (nxt.command.args, nxt.loc.line) == (("next",), 8)
    assert run.command.args == ("<<EOF",) and run.command.shell
    assert run.shell_source() == doc.content  # RUN <<EOF alone: the body is the script


def test_chomp_strips_tabs_from_body_and_terminator_only():
    run = only("FROM a\nRUN <<-EOF\n\t\techo a\n  \tspaces stay\n\tEOF\n")
    assert run.heredocs[0].content == "echo a\n  \tspaces stay\n"
    assert run.heredocs[0].raw == "\t\techo a\n  \tspaces stay\n\tEOF\n"


def test_without_chomp_an_indented_terminator_is_body():
    run = only("FROM a\nRUN <<EOF\n\tEOF\nEOF\n")
    assert run.heredocs[0].content == "\tEOF\n"


def test_terminator_must_match_exactly():
    run = only("FROM a\nRUN <<EOF\nEOF \n EOF\neof\nEOF\n")
    assert run.heredocs[0].content == "EOF \n EOF\neof\n"


def test_terminator_with_crlf():
    df = parse("FROM a\r\nRUN <<EOF\r\nhi\r\nEOF\r\nRUN b\r\n")
    assert df.instructions[1].heredocs[0].content == "hi\n"
    assert df.instructions[2].loc.line == 5


def test_multiple_heredocs_in_order_and_shell_source():
    text = "FROM a\nRUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2\nCMD x\n"
    df = parse(text)
    run = df.instructions[1]
    assert [(h.name, h.content) for h in run.heredocs] == [("FILE1", "I am\nfirst\n"), ("FILE2", "I am\nsecond\n")]
    assert run.loc.end_line == 8 and df.instructions[2].loc.line == 9
    assert run.shell_source() == ("<<FILE1 cat > file1 && <<FILE2 cat > file2\n"
                                  "I am\nfirst\nFILE1\nI am\nsecond\nFILE2")


def test_heredoc_after_continuation_lines():
    text = ("FROM a\n"
            "RUN --mount=type=cache,target=/c \\\n"
            "    python3 - <<'PY' \\\n"
            "    && echo done\n"
            "print('$HOME')\n"
            "PY\n"
            "RUN after\n")
    df = parse(text)
    run = df.instructions[1]
    assert run.command.args == ("python3 - <<'PY'     && echo done",)
    assert run.mounts == ("type=cache,target=/c",)
    assert run.heredocs[0].content == "print('$HOME')\n" and not run.heredocs[0].expand
    assert (run.loc.line, run.loc.end_line) == (2, 6)
    assert run.shell_source() == "python3 - <<'PY'     && echo done\nprint('$HOME')\nPY"
    assert df.instructions[2].loc.line == 7


def test_heredoc_marker_on_a_continued_line_body_follows_the_logical_line():
    run = only("FROM a\nRUN cat \\\n <<EOF \\\n > /out\nbody\nEOF\n")
    assert run.heredocs[0].content == "body\n" and run.command.args == ("cat  <<EOF  > /out",)


def test_empty_heredoc():
    assert only("FROM a\nRUN <<EOF\nEOF\n").heredocs[0].content == ""


def test_copy_heredoc_creates_a_file():
    copy = only("FROM a\nCOPY --chmod=755 <<EOF /usr/bin/hello\n#!/bin/sh\necho hi\nEOF\n")
    assert copy.sources == () and copy.dest == "/usr/bin/hello" and copy.chmod == "755"
    assert copy.heredocs[0].content == "#!/bin/sh\necho hi\n"


def test_copy_several_heredocs_and_a_path():
    copy = only("FROM a\nCOPY <<one.txt ctx.txt <<two.txt /dst/\n1\none.txt\n2\ntwo.txt\n")
    assert copy.sources == ("ctx.txt",) and copy.dest == "/dst/"
    assert [(h.name, h.content) for h in copy.heredocs] == [("one.txt", "1\n"), ("two.txt", "2\n")]


def test_add_heredoc():
    add = only("FROM a\nADD <<EOF /x\nhi\nEOF\n")
    assert add.heredocs[0].content == "hi\n" and add.dest == "/x"


@pytest.mark.parametrize("text, expected", [
    # Unquoted: variables expand, quotes and other backslashes stay.
    ('COPY <<EOF /f\nA=$A "${B:-b}" \'$A\' \\$A \\\\ \\n\nEOF\n', 'A=1 "b" \'1\' $A \\ \\n\n'),
    # Quoted delimiter: nothing expands.
    ('COPY <<"EOF" /f\n$A ${B:-b} \\$A\nEOF\n', "$A ${B:-b} \\$A\n"),
    ("COPY <<-'EOF' /f\n\t$A\n\tEOF\n", "$A\n"),
])
def test_copy_heredoc_expansion(text, expected):
    copy = only("FROM a\n" + text).expanded(Expander({"A": "1"}))
    assert copy.heredocs[0].content == expected


def test_run_heredoc_is_not_expanded_by_the_builder():
    run = only("FROM a\nRUN <<EOF\necho $A\nEOF\n")
    assert run.expanded(Expander({"A": "1"})) is run


def test_heredocs_only_for_run_copy_add():
    # Elsewhere `<<EOF` is ordinary text and the next line an instruction.
    df = parse("FROM a\nLABEL x=<<EOF\nENV EOF=1\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "LABEL", "ENV"]


def test_exec_form_run_has_no_heredoc():
    run = only('FROM a\nRUN ["cat", "<<EOF"]\n')
    assert run.heredocs == () and run.command.args == ("cat", "<<EOF")


def unterminated(marker, name):
    return f"unterminated heredoc {marker}: expected a line {name!r} before the end of the file"


COPY_USAGE = "expected COPY [--flags] <src>... <dest>"


@pytest.mark.parametrize("text, line, reason", [
    ("FROM a\nRUN <<EOF\necho\n", 2, unterminated("<<EOF", "EOF")),
    ("FROM a\n\nRUN <<A <<B\na\nA\nb\n", 3, unterminated("<<B", "B")),
    ("FROM a\nRUN x \\\n  <<-END\n\tbody\n", 2, unterminated("<<-END", "END")),
    ("FROM a\nCOPY <<EOF /x\n", 2, unterminated("<<EOF", "EOF")),
    ("FROM a\nCOPY <<EOF\nx\nEOF\n", 2, f"COPY requires at least two arguments: {COPY_USAGE}"),
    ("FROM a\nCOPY /a <<EOF\nx\nEOF\n", 2, f"COPY: the destination cannot be a heredoc: {COPY_USAGE}"),
    ("FROM a\nONBUILD RUN <<EOF\n", 2,
     "heredocs are not supported in ONBUILD triggers: expected a one-line instruction"),
])
def test_heredoc_errors(text, line, reason):
    with pytest.raises(DockerfileError) as e:
        parse(text)
    assert str(e.value) == f"Dockerfile:{line}: {reason}"
