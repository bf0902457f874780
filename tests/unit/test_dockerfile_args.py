"""ARG and ENV scoping (scope.py) as the executor threads a stage: global
ARGs, stage ARGs, --build-arg, ENV over ARG, and RUN's environment."""
import pytest

from services.images.dockerfile import DockerfileError, PROXY_ARGS, Scope, parse, plan


def run_stage(text, stage=-1, base_env=(), **kw):
    """Apply every instruction of a stage; return (scope, expanded instructions)."""
    bp = plan(parse(text), **kw)
    st = bp.stages[stage]
    scope = bp.scope(st, base_env)
    return scope, [scope.apply(i) for i in st.instructions]


def value(text, name, **kw):
    """The value `name` has for a RUN at the end of the last stage."""
    scope, _ = run_stage(text + "ENV PROBE=${%s-<unset>}\n" % name, **kw)
    return scope.env["PROBE"]


@pytest.mark.parametrize("text, kw, expected", [
    # a global ARG is not visible in a stage until declared again there
    ("ARG V=1\nFROM a\n", {}, "<unset>"),
    ("ARG V=1\nFROM a\nARG V\n", {}, "1"),
    ("ARG V=1\nFROM a\nARG V\n", {"build_args": {"V": "cli"}}, "cli"),
    # the stage's own default beats the global one; --build-arg beats both
    ("ARG V=1\nFROM a\nARG V=2\n", {}, "2"),
    ("ARG V=1\nFROM a\nARG V=2\n", {"build_args": {"V": "cli"}}, "cli"),
    ("FROM a\nARG V=2\n", {"build_args": {"V": ""}}, ""),
    # declared without a value and given none: unset, not empty
    ("FROM a\nARG V\n", {}, "<unset>"),
    ("ARG V\nFROM a\nARG V\n", {}, "<unset>"),
    ("FROM a\nARG V=\n", {}, ""),
    ("FROM a\nARG V\n", {"build_args": {"V": "cli"}}, "cli"),
    # an undeclared --build-arg is invisible
    ("FROM a\n", {"build_args": {"V": "cli"}}, "<unset>"),
    # quotes in defaults are removed; defaults may use earlier ARGs and ENVs
    ('FROM a\nARG V="a b"\n', {}, "a b"),
    ("FROM a\nARG A=1 V=${A}2\n", {}, "12"),
    ("FROM a\nENV E=e\nARG V=$E\n", {}, "e"),
    ("ARG G=g\nFROM a\nARG G\nARG V=$G-x\n", {}, "g-x"),
    # ENV wins over an ARG of the same name, whichever comes first
    ("FROM a\nARG V=arg\nENV V=env\n", {}, "env"),
    ("FROM a\nENV V=env\nARG V=arg\n", {"build_args": {"V": "cli"}}, "env"),
    ("FROM a\nARG V=arg\nENV V=${V}-env\n", {}, "arg-env"),
    # ARGs do not cross stages (ENV does, through the base image: see below)
    ("FROM a\nARG V=1\nFROM b\n", {}, "<unset>"),
    # automatic platform args: declare to use in a stage
    ("FROM a\nARG TARGETOS\nENV V=$TARGETOS\n", {"builtin_args": {"TARGETOS": "linux"}}, "linux"),
    ("FROM a\nENV V=${TARGETOS-<unset>}\n", {"builtin_args": {"TARGETOS": "linux"}}, "<unset>"),
    # proxy args are not expandable without an ARG
    ("FROM a\n", {"build_args": {"http_proxy": "http://p"}}, "<unset>"),
])
def test_arg_values(text, kw, expected):
    assert value(text, "V", **kw) == expected


def test_arg_declarations_come_back_expanded():
    _, (arg,) = run_stage('FROM a\nARG NAME=$HOME/x Q="a b"\n', base_env=["HOME=/root"])
    assert [(d.name, d.default) for d in arg.args] == [("NAME", "/root/x"), ("Q", "a b")]


def test_base_env_and_env_updates():
    scope, insts = run_stage("FROM a\nENV PATH=$PATH:/opt/bin A=1\nENV B=$A\nWORKDIR /w/$B\n",
                             base_env=["PATH=/usr/bin", "EMPTY=", "EQ=a=b"])
    assert scope.env == {"PATH": "/usr/bin:/opt/bin", "EMPTY": "", "EQ": "a=b", "A": "1", "B": "1"}
    assert insts[-1].value == "/w/1"


def test_run_env_has_args_with_values_env_and_proxies():
    scope, insts = run_stage("ARG G=g\nFROM a\nARG G\nARG NOVALUE\nARG SAME=arg\nENV SAME=env E=e\nRUN env\n",
                             base_env={"PATH": "/bin"},
                             build_args={"HTTPS_PROXY": "http://p", "no_proxy": "x", "OTHER": "o"})
    assert scope.run_env() == {"HTTPS_PROXY": "http://p", "no_proxy": "x", "G": "g", "SAME": "env",
                               "PATH": "/bin", "E": "e"}
    assert "HTTPS_PROXY" not in scope.env  # ARG and proxy values stay out of the image
    assert insts[-1].command.args == ("env",)


def test_proxy_args():
    assert {"HTTP_PROXY", "https_proxy", "NO_PROXY", "all_proxy", "FTP_PROXY"} <= PROXY_ARGS


def test_env_in_one_instruction_uses_the_previous_values():
    scope, _ = run_stage("FROM a\nENV A=1\nENV A=2 B=$A\n")
    assert (scope.env["A"], scope.env["B"]) == ("2", "1")


def test_label_does_not_touch_env():
    scope, (label,) = run_stage("FROM a\nLABEL A=$HOME\n", base_env=["HOME=/h"])
    assert label.pairs == (("A", "/h"),) and "A" not in scope.env


def test_stage_from_another_stage_gets_env_from_the_caller():
    # The executor passes the parent stage's final environment as base_env.
    text = "FROM a AS one\nENV X=1\nFROM one\nENV Y=$X\n"
    parent, _ = run_stage(text, stage=0)
    child, _ = run_stage(text, stage=1, base_env=parent.env)
    assert child.env == {"X": "1", "Y": "1"}


def test_escape_directive_applies_to_expansion():
    scope, (_, workdir) = run_stage("# escape=`\nFROM a\nENV A=1\nWORKDIR C:\\x\\`$A\\$A\n")
    assert workdir.value == "C:\\x\\$A\\1"


def test_arg_errors_name_the_line():
    with pytest.raises(DockerfileError) as e:
        run_stage("FROM a\n\nARG V=${X:?need_X}\n")
    assert str(e.value) == "Dockerfile:3: ARG: X: need_X"
    with pytest.raises(DockerfileError) as e:
        plan(parse("ARG V=${X\nFROM a\n"))
    assert str(e.value) == "Dockerfile:1: ARG: missing '}' in '${X' after ${X"


def test_scope_standalone():
    s = Scope(env=["A=1"], build_args={"B": "cli"}, inherited={"C": "glob"})
    s.apply(parse("ARG B C D=$A\n").instructions[0])
    assert s.args == {"B": "cli", "C": "glob", "D": "1"} and s.used_build_args == {"B"}
    assert s.expand("$A$B$C$D") == "1cliglob1"
