"""Variable expansion (expand.py) and which instructions the builder expands
(instructions.py)."""
import pytest

from services.images.dockerfile import DockerfileError, Expander, ExpansionError, expand_word, parse

VARS = {"A": "a", "E": "", "S": "x y", "P": "/usr/bin", "Q": "it's", "N": "1", "PORTS": "80 443"}


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"),
    ("$A", "a"), ("${A}", "a"), ("$A$A", "aa"), ("${A}b", "ab"), ("$Ab", ""),
    ("pre-$A-post", "pre-a-post"), ("$P:/bin", "/usr/bin:/bin"),
    ("$UNSET", ""), ("${UNSET}", ""), ("x${UNSET}y", "xy"),
    # :- and - : unset vs empty
    ("${A:-d}", "a"), ("${E:-d}", "d"), ("${UNSET:-d}", "d"),
    ("${A-d}", "a"), ("${E-d}", ""), ("${UNSET-d}", "d"),
    # :+ and +
    ("${A:+alt}", "alt"), ("${E:+alt}", ""), ("${UNSET:+alt}", ""),
    ("${A+alt}", "alt"), ("${E+alt}", "alt"), ("${UNSET+alt}", ""),
    # :? and ? when set
    ("${A:?msg}", "a"), ("${E?msg}", ""),
    # the word after a modifier is expanded and may be quoted or empty
    ("${UNSET:-$A}", "a"), ("${UNSET:-${E:-deep}}", "deep"), ("${UNSET:-'$A'}", "$A"),
    ('${UNSET:-"x }"}', "x }"), ("${UNSET:-}", ""), ("${A:+[$A]}", "[a]"),
    ("${UNSET:-a b}", "a b"),
    # a value is not expanded again
    ("${S}", "x y"), ("$Q", "it's"),
    # $ not followed by a name is literal
    ("$", "$"), ("5$", "5$"), ("$/x", "$/x"), ("a $ b", "a $ b"), ("$-", "$-"),
    # positional parameters are never set
    ("$1", ""), ("${12}", ""),
    # quotes: single literal, double expanded, both removed
    ("'$A'", "$A"), ('"$A"', "a"), ("'a b'", "a b"), ('"a b"', "a b"),
    ("'\"'", '"'), ("\"'\"", "'"), ("a'b'c\"d\"e", "abcde"), ('""', ""), ("''", ""),
    ('"${S}"', "x y"), ("'${A}'", "${A}"),
    # the escape character
    ("\\$A", "$A"), ("\\${A}", "${A}"), ("a\\ b", "a b"), ("\\\\", "\\"), ("\\'$A\\'", "'a'"),
    ("\\x", "x"), ("end\\", "end"),
    # inside double quotes it escapes only ", $ and itself
    ('"\\$A"', "$A"), ('"\\""', '"'), ('"\\\\"', "\\"), ('"\\x"', "\\x"), ('"a\\ b"', "a\\ b"),
    # inside single quotes it is an ordinary character
    ("'\\'", "\\"),
])
def test_word(text, expected):
    assert Expander(VARS).word(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("`$A", "$A"), ("C:\\path\\$A", "C:\\path\\a"), ('"`""', '"'), ("``", "`"),
])
def test_backtick_escape(text, expected):
    assert expand_word(text, VARS, escape="`") == expected


@pytest.mark.parametrize("text, message", [
    ("${E:?must be set}", "E: must be set"),
    ("${UNSET:?}", "UNSET: is not set or empty"),
    ("${UNSET?}", "UNSET: is not set"),
    ("${UNSET?no $A}", "UNSET: no a"),
    ("${A", "missing '}' in '${A' after ${A"),
    ("${A:-x", "missing '}' in '${A:-x' after ${A"),
    ("${}", "bad substitution in '${}': expected a variable name after ${"),
    ("${-x}", "bad substitution in '${-x}': expected a variable name after ${"),
    ("${A#pre}", "unsupported modifier '#' in ${A...}: expected }, :-, -, :+, +, :? or ?"),
    ("${A%suf}", "unsupported modifier '%' in ${A...}: expected }, :-, -, :+, +, :? or ?"),
    ("${A/a/b}", "unsupported modifier '/' in ${A...}: expected }, :-, -, :+, +, :? or ?"),
    ("${A:0:1}", "unsupported modifier ':0' in ${A...}: expected }, :-, -, :+, +, :? or ?"),
    ("'open", "unexpected end of text looking for the single quote closing \"'open\""),
    ('"open', "unexpected end of text looking for the double quote closing '\"open'"),
])
def test_word_errors(text, message):
    with pytest.raises(ExpansionError) as e:
        Expander(VARS).word(text)
    assert str(e.value) == message


@pytest.mark.parametrize("text, expected", [
    ("$A \"$A\" '$A'", "a \"a\" 'a'"),
    ("\\$A \\\\ \\n \\\"", "$A \\ \\n \\\""),
    ("${UNSET:-'d'}", "'d'"),
    ("line1\nline2 $S\n", "line1\nline2 x y\n"),
])
def test_heredoc_mode(text, expected):
    assert Expander(VARS).heredoc(text) == expected


def test_lookup_may_be_a_function():
    assert Expander(lambda n: n.lower() if n != "X" else None).word("$AB-${X:-none}") == "ab-none"


def expanded(line, vars=VARS):
    return parse("FROM a\n" + line + "\n").instructions[-1].expanded(Expander(vars))


@pytest.mark.parametrize("line, attr, expected", [
    ('ENV X=$A Y="$S z" Z=\'$A\' W=${UNSET:-d}', "pairs", (("X", "a"), ("Y", "x y z"), ("Z", "$A"), ("W", "d"))),
    ("ENV LEGACY value of $A", "pairs", (("LEGACY", "value of a"),)),
    ('ENV $A=key', "pairs", (("a", "key"),)),
    ('LABEL "com.x.$A"="v $N" plain=\\$A', "pairs", (("com.x.a", "v 1"), ("plain", "$A"))),
    ("WORKDIR $P/${A}", "value", "/usr/bin/a"),
    ("USER ${A}:${N}", "value", "a:1"),
    ("STOPSIGNAL ${SIG:-SIGTERM}", "value", "SIGTERM"),
    ("VOLUME $P /data", "paths", ("/usr/bin", "/data")),
    ('VOLUME ["$P"]', "paths", ("/usr/bin",)),
    ("EXPOSE 80 ${N}000/udp 8000-8010 53/UDP", "ports", ("80/tcp", "1000/udp", "8000-8010/tcp", "53/udp")),
    ("EXPOSE $PORTS", "ports", ("80/tcp", "443/tcp")),  # split after expansion
    ("COPY --from=$A --chown=$N:$N --chmod=${M:-644} $P/* /dst/$A/", "sources", ("/usr/bin/*",)),
    ("COPY --from=$A --chown=$N:$N --chmod=${M:-644} $P/* /dst/$A/", "dest", "/dst/a/"),
    ("COPY --from=$A --chown=$N:$N --chmod=${M:-644} $P/* /dst/$A/", "from_", "a"),
    ("COPY --from=$A --chown=$N:$N --chmod=${M:-644} $P/* /dst/$A/", "chown", "1:1"),
    ("COPY --from=$A --chown=$N:$N --chmod=${M:-644} $P/* /dst/$A/", "chmod", "644"),
    ("COPY --exclude=$A.md . /", "excludes", ("a.md",)),
    ('COPY ["$S", "/d"]', "sources", ("x y",)),
    ("ADD --checksum=$A https://x/$A.tgz /", "sources", ("https://x/a.tgz",)),
    ("ADD --checksum=$A https://x/$A.tgz /", "checksum", "a"),
])
def test_expanding_instructions(line, attr, expected):
    assert getattr(expanded(line), attr) == expected


@pytest.mark.parametrize("line", [
    "RUN echo $A", 'RUN ["echo", "$A"]', "CMD echo $A", 'ENTRYPOINT ["$A"]', 'SHELL ["$A"]',
    "HEALTHCHECK CMD test $A", "ONBUILD RUN echo $A", "ONBUILD COPY $A /", "MAINTAINER $A",
])
def test_instructions_the_shell_expands_are_left_alone(line):
    inst = parse("FROM a\n" + line + "\n").instructions[-1]
    assert inst.expanded(Expander(VARS)) is inst


def test_env_values_see_the_previous_environment():
    env = expanded("ENV A=new B=$A", {"A": "old"})
    assert env.pairs == (("A", "new"), ("B", "old"))


@pytest.mark.parametrize("line, message", [
    ("FROM a\n\nWORKDIR ${DIR:?set DIR}", "Dockerfile:3: WORKDIR: DIR: set DIR"),
    ("FROM a\nENV A=1 \\\n  B=${C", "Dockerfile:2: ENV: missing '}' in '${C' after ${C"),
    ("FROM a\nCOPY 'x /y", "Dockerfile:2: COPY: unexpected end of text looking for the single quote closing \"'x\""),
    ("FROM a\nEXPOSE 80/icmp", "Dockerfile:2: EXPOSE: invalid port '80/icmp': expected PORT[-PORT][/tcp|/udp|/sctp]"),
    ("FROM a\nEXPOSE http", "Dockerfile:2: EXPOSE: invalid port 'http': expected PORT[-PORT][/tcp|/udp|/sctp]"),
    ("FROM a\nEXPOSE 90-80", "Dockerfile:2: EXPOSE: invalid port '90-80': expected PORT[-PORT][/tcp|/udp|/sctp]"),
    ("FROM a\nEXPOSE 65536", "Dockerfile:2: EXPOSE: invalid port '65536': expected PORT[-PORT][/tcp|/udp|/sctp]"),
    ("FROM a\nEXPOSE 1-65536", "Dockerfile:2: EXPOSE: invalid port '1-65536': expected PORT[-PORT][/tcp|/udp|/sctp]"),
    ("FROM a\nVOLUME $UNSET", "Dockerfile:2: VOLUME: a path expanded to an empty string: expected a path"),
])
def test_expansion_errors_name_the_line(line, message):
    inst = parse(line + "\n").instructions[-1]
    with pytest.raises(DockerfileError) as e:
        inst.expanded(Expander(VARS))
    assert str(e.value) == message
