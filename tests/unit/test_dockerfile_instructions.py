"""Each instruction's forms and flags (parser.py, commands.py, files.py,
keyvalue.py, flags.py): what the parser keeps, before expansion."""
import pytest

from services.images.dockerfile import (Add, Arg, ArgDecl, Cmd, Command, Copy, Entrypoint, Env,
                                        Expose, From, Label, Maintainer, Onbuild, Run,
                                        Shell, StopSignal, User, Volume, Workdir, parse)

def inst(line):
    return parse("FROM base\n" + line + "\n").instructions[-1]


def fields_of(i, names):
    return {n: getattr(i, n) for n in names}


@pytest.mark.parametrize("line, image, name, platform", [
    ("FROM alpine", "alpine", None, None),
    ("FROM alpine:3.19 AS build", "alpine:3.19", "build", None),
    ("FROM alpine as Build-Stage.1_x", "alpine", "build-stage.1_x", None),  # names are lower-cased
    ("from scratch", "scratch", None, None),
    ("FROM --platform=linux/arm64 busybox AS b", "busybox", "b", "linux/arm64"),
    ("FROM --platform=$BUILDPLATFORM ${IMAGE}:${TAG}", "${IMAGE}:${TAG}", None, "$BUILDPLATFORM"),
    ("FROM a@sha256:" + "0" * 64, "a@sha256:" + "0" * 64, None, None),
])
def test_from(line, image, name, platform):
    (i,) = parse(line).instructions
    assert isinstance(i, From) and (i.image, i.name, i.platform) == (image, name, platform)


@pytest.mark.parametrize("line, args, shell", [
    ("RUN echo hi", ("echo hi",), True),
    ('RUN ["echo", "hi there"]', ("echo", "hi there"), False),
    ('RUN [ "a" , "b" ]', ("a", "b"), False),
    ('RUN ["a", 1]', ('["a", 1]',), True),            # not all strings: shell form
    ("RUN [not json", ("[not json",), True),
    ('RUN ["a" "b"]', ('["a" "b"]',), True),
    ('RUN ["\\u00e9\\n"]', ("\u00e9\n",), False),       # JSON escapes
    ("RUN echo $HOME '$x' \"y\"", ("echo $HOME '$x' \"y\"",), True),
])
def test_run_forms(line, args, shell):
    i = inst(line)
    assert isinstance(i, Run) and i.command == Command(args, shell)


def test_run_flags():
    i = inst("RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=x "
             "--network=none --security=insecure make")
    assert i.mounts == ("type=cache,target=/root/.cache", "type=secret,id=x")
    assert (i.network, i.security, i.command.args) == ("none", "insecure", ("make",))


def test_flags_end_at_double_dash_and_values_may_be_quoted():
    i = inst('RUN --mount="type=bind,target=/a b" -- --not-a-flag')
    assert i.mounts == ("type=bind,target=/a b",) and i.command.args == ("--not-a-flag",)


@pytest.mark.parametrize("line, kind, args, shell", [
    ('CMD ["nginx", "-g", "daemon off;"]', Cmd, ("nginx", "-g", "daemon off;"), False),
    ("CMD nginx -g 'daemon off;'", Cmd, ("nginx -g 'daemon off;'",), True),
    ("CMD []", Cmd, (), False),
    ("CMD", Cmd, ("",), True),
    ('ENTRYPOINT ["/init"]', Entrypoint, ("/init",), False),
    ("ENTRYPOINT exec /init", Entrypoint, ("exec /init",), True),
])
def test_cmd_and_entrypoint(line, kind, args, shell):
    i = inst(line)
    assert isinstance(i, kind) and i.command == Command(args, shell)


def test_command_argv():
    assert Command(("echo hi",), True).argv() == ["/bin/sh", "-c", "echo hi"]
    assert Command(("echo hi",), True).argv(["bash", "-lc"]) == ["bash", "-lc", "echo hi"]
    assert Command(("a", "b"), False).argv(["bash", "-c"]) == ["a", "b"]


def test_shell():
    assert inst('SHELL ["powershell", "-command"]') == Shell(loc=inst('SHELL ["x"]').loc,
                                                           args=("powershell", "-command"))


@pytest.mark.parametrize("line, expected", [
    ("COPY a b", dict(sources=("a",), dest="b")),
    ("COPY a b c /dst/", dict(sources=("a", "b", "c"), dest="/dst/")),
    ("COPY *.txt dir/ /dst/", dict(sources=("*.txt", "dir/"), dest="/dst/")),
    ('COPY ["a b", "c d/"]', dict(sources=("a b",), dest="c d/")),
    # Quotes do not group in the shell form (Docker): use JSON for spaces.
    ('COPY "a b" /x', dict(sources=('"a', 'b"'), dest="/x")),
    ("COPY --from=build /out /app", dict(from_="build", sources=("/out",), dest="/app")),
    ("COPY --from=0 /out /app", dict(from_="0")),
    ("COPY --chown=app:app --chmod=0644 a /b", dict(chown="app:app", chmod="0644")),
    ("COPY --link a b", dict(link=True)),
    ("COPY --link=false a b", dict(link=False)),
    ("COPY --parents a/b c", dict(parents=True)),
    ("COPY --exclude=*.md --exclude=.git . /src", dict(excludes=("*.md", ".git"), sources=(".",))),
    ("COPY $SRC ${DST}", dict(sources=("$SRC",), dest="${DST}")),
])
def test_copy(line, expected):
    i = inst(line)
    assert isinstance(i, Copy) and fields_of(i, expected) == expected


@pytest.mark.parametrize("line, expected", [
    ("ADD https://example.com/a.tgz /x/", dict(sources=("https://example.com/a.tgz",), dest="/x/")),
    ("ADD app.tar.gz /opt/", dict(sources=("app.tar.gz",))),
    ("ADD --checksum=sha256:abc --chown=1:2 --link --keep-git-dir=true u /d",
     dict(checksum="sha256:abc", chown="1:2", link=True, keep_git_dir=True)),
    ('ADD ["a", "b", "/c/"]', dict(sources=("a", "b"), dest="/c/")),
])
def test_add(line, expected):
    i = inst(line)
    assert isinstance(i, Add) and fields_of(i, expected) == expected


@pytest.mark.parametrize("line, kind, pairs", [
    ("ENV A=1", Env, (("A", "1"),)),
    ('ENV A="x y" B=\'$z\' C=a\\ b', Env, (("A", '"x y"'), ("B", "'$z'"), ("C", "a\\ b"))),
    ("ENV A=", Env, (("A", ""),)),
    ('ENV A=""', Env, (("A", '""'),)),
    ("ENV A=1=2", Env, (("A", "1=2"),)),
    ("ENV A a value  with spaces ", Env, (("A", "a value  with spaces"),)),  # legacy form
    ("ENV A   \"quoted\"", Env, (("A", '"quoted"'),)),
    ('LABEL "com.example.vendor"="ACME" version=1.0', Label, (('"com.example.vendor"', '"ACME"'), ("version", "1.0"))),
    ('LABEL description="multi \\\n  line"', Label, (("description", '"multi   line"'),)),
    ("LABEL legacy value", Label, (("legacy", "value"),)),
])
def test_env_and_label(line, kind, pairs):
    i = inst(line)
    assert type(i) is kind and i.pairs == pairs


@pytest.mark.parametrize("line, decls", [
    ("ARG A", (ArgDecl("A"),)),
    ("ARG A=1", (ArgDecl("A", "1"),)),
    ("ARG A=", (ArgDecl("A", ""),)),
    ('ARG A="x y" B C=$A', (ArgDecl("A", '"x y"'), ArgDecl("B"), ArgDecl("C", "$A"))),
])
def test_arg(line, decls):
    i = inst(line)
    assert isinstance(i, Arg) and i.args == decls


@pytest.mark.parametrize("line, kind, value", [
    ("WORKDIR /app", Workdir, "/app"),
    ("WORKDIR /my dir", Workdir, "/my dir"),     # the whole rest, spaces included
    ("WORKDIR $HOME/x", Workdir, "$HOME/x"),
    ("USER app:staff", User, "app:staff"),
    ("USER 1000", User, "1000"),
    ("STOPSIGNAL SIGQUIT", StopSignal, "SIGQUIT"),
    ("STOPSIGNAL 9", StopSignal, "9"),
    ("MAINTAINER Jane <jane@example.com>", Maintainer, "Jane <jane@example.com>"),
])
def test_single_value(line, kind, value):
    i = inst(line)
    assert type(i) is kind and i.value == value


@pytest.mark.parametrize("line, kind, values", [
    ("EXPOSE 80 443/tcp 53/udp", Expose, ("80", "443/tcp", "53/udp")),
    ("EXPOSE $PORT", Expose, ("$PORT",)),
    ("VOLUME /data", Volume, ("/data",)),
    ("VOLUME /a /b", Volume, ("/a", "/b")),
    ('VOLUME ["/a b", "/c"]', Volume, ("/a b", "/c")),
])
def test_lists(line, kind, values):
    i = inst(line)
    assert type(i) is kind and (i.ports if kind is Expose else i.paths) == values


@pytest.mark.parametrize("line, trigger_kind, text", [
    ("ONBUILD RUN make", Run, "RUN make"),
    ("onbuild   copy  . /src", Copy, "COPY . /src"),
    ("ONBUILD ENV A=$B", Env, "ENV A=$B"),
])
def test_onbuild(line, trigger_kind, text):
    i = inst(line)
    assert isinstance(i, Onbuild) and isinstance(i.trigger, trigger_kind) and i.text == text
    assert i.trigger.loc == i.loc


def test_instructions_keep_their_lines():
    df = parse("# c\nFROM a\n\nRUN x \\\n y\nCMD z\n")
    assert [(i.keyword, i.loc.line, i.loc.end_line) for i in df.instructions] == [
        ("FROM", 2, 2), ("RUN", 4, 5), ("CMD", 6, 6)]
