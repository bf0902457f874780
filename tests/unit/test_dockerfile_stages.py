"""The build plan (stages.py, dependencies.py): stages, bases, --target,
COPY --from and the build order, and their errors."""
import pytest

from services.images.dockerfile import DockerfileError, parse, plan


def make(text, **kw):
    return plan(parse(text), **kw)


MULTI = """\
FROM golang:1.22 AS build
RUN go build -o /out/app
FROM alpine AS tools
RUN apk add curl
FROM build AS test
RUN go test
FROM scratch AS final
COPY --from=build /out/app /app
COPY --from=tools /usr/bin/curl /curl
FROM final AS debug
COPY --from=busybox:musl /bin/sh /sh
"""


def test_stages_and_bases():
    bp = make(MULTI)
    got = [(s.index, s.name, s.base, s.base_stage, s.scratch) for s in bp.stages]
    assert got == [(0, "build", "golang:1.22", None, False), (1, "tools", "alpine", None, False),
                   (2, "test", "build", 0, False), (3, "final", "scratch", None, True),
                   (4, "debug", "final", 3, False)]
    assert [len(s.instructions) for s in bp.stages] == [1, 1, 1, 2, 1]
    assert bp.stages[3].copies_from == (0, 1) and bp.stages[4].images == ("busybox:musl",)
    assert bp.stages[4].depends_on == (3,)


@pytest.mark.parametrize("target, order", [
    (None, (0, 1, 3, 4)),       # the last stage; "test" is not needed
    ("final", (0, 1, 3)),
    ("FINAL", (0, 1, 3)),       # stage names are case-insensitive
    ("test", (0, 2)),
    ("tools", (1,)),
    ("build", (0,)),
])
def test_target_builds_only_what_it_needs(target, order):
    bp = make(MULTI, target=target)
    assert bp.order == order and bp.target == order[-1]


def test_copy_from_index_and_mount_from():
    bp = make("FROM a\nFROM b\nFROM c\nCOPY --from=1 /x /y\n"
              "RUN --mount=type=bind,from=0,target=/m --mount=type=cache,target=/c true\n")
    assert bp.stages[2].copies_from == (0, 1) and bp.order == (0, 1, 2)


def test_mount_from_a_stage_name_and_an_image():
    bp = make("FROM a AS src\nFROM b\nRUN --mount=from=src,target=/s --mount=type=bind,from=alpine:3 make\n")
    assert bp.stages[1].copies_from == (0,) and bp.stages[1].images == ("alpine:3",)


def test_copy_from_may_name_a_later_stage():
    bp = make("FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\nFROM c\nCOPY --from=one /x /x\n")
    assert bp.stages[0].copies_from == (1,) and bp.order == (1, 0, 2)


def test_from_names_only_earlier_stages():
    # `FROM later` before the stage named later exists is an image named "later".
    bp = make("FROM later AS first\nFROM x AS later\n")
    assert bp.stages[0].base_stage is None and bp.stages[0].base == "later"


def test_from_a_stage_is_case_insensitive():
    assert make("FROM a AS Build\nFROM BUILD\n").stages[1].base_stage == 0


def test_copy_from_uses_stage_args():
    bp = make("ARG FROM_STAGE=one\nFROM a AS one\nFROM b AS two\nFROM c\n"
              "ARG FROM_STAGE\nARG OTHER=two\nCOPY --from=${FROM_STAGE} /a /a\nCOPY --from=$OTHER /b /b\n")
    assert bp.stages[2].copies_from == (0, 1)
    assert make("FROM a AS one\nFROM b AS two\nFROM c\nARG S=one\nCOPY --from=$S /a /a\n",
                build_args={"S": "two"}).stages[2].copies_from == (1,)


def test_copy_from_an_image_is_not_a_stage():
    bp = make("FROM a\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\nCOPY --from=nginx:latest /x /x\n")
    assert bp.stages[0].copies_from == () and bp.stages[0].images == ("nginx:latest",)


def test_global_args_in_from():
    text = ("ARG REG=docker.io\nARG TAG=3.19\nARG IMG=$REG/alpine:${TAG}\n"
            "FROM $IMG AS a\nFROM ${REG}/busybox:${V:-1.36}\n")
    assert [s.base for s in make(text).stages] == ["docker.io/alpine:3.19", "docker.io/busybox:1.36"]
    assert make(text, build_args={"TAG": "edge"}).stages[0].base == "docker.io/alpine:edge"
    assert make(text).global_args == {"REG": "docker.io", "TAG": "3.19", "IMG": "docker.io/alpine:3.19"}


def test_args_after_the_first_from_do_not_reach_later_from_lines():
    assert make("FROM a\nARG T=1\nFROM b:${T:-none}\n").stages[1].base == "b:none"


def test_platform_and_builtin_args():
    bp = make("FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/${TARGETARCH} alpine\n",
              builtin_args={"BUILDPLATFORM": "linux/amd64", "TARGETARCH": "arm64"})
    assert [s.platform for s in bp.stages] == ["linux/amd64", "linux/arm64"]


def test_stage_lookup():
    bp = make(MULTI)
    assert bp.stage("Tools").index == 1 and bp.stage(2).name == "test"
    assert bp.stages[2].label == "test" and make("FROM a\n").stages[0].label == "0"
    with pytest.raises(KeyError):
        bp.stage("nope")


def test_unused_build_args():
    text = "ARG G\nFROM a\nARG USED\nFROM b AS other\nARG ONLY_OTHER\nFROM c\n"
    bp = make(text, build_args={"G": "1", "USED": "1", "ONLY_OTHER": "1", "NOBODY": "1", "http_proxy": "p"})
    # The last stage does not need "other" (nor stage 0): their ARGs are unused.
    assert bp.unused_build_args == ("NOBODY", "ONLY_OTHER", "USED")
    bp = make(text, build_args={"ONLY_OTHER": "1"}, target="other")
    assert bp.unused_build_args == ()


NO_FROM = "no FROM instruction: expected FROM <image> to start a build stage"
ONLY_ARG = "before the first FROM (only ARG may come before it)"
EARLIER = "expected the index of an earlier stage"
SELF = "a stage cannot copy from itself"
CYCLE = "expected stages that do not copy from each other"


# (Dockerfile, plan() keywords, line or None (the whole file), reason)
@pytest.mark.parametrize("text, kw, line, reason", [
    ("", {}, None, NO_FROM),
    ("# only a comment\n", {}, None, NO_FROM),
    ("ARG A\n\nARG B\n", {}, 3, NO_FROM),
    ("ARG A\nRUN x\nFROM a\n", {}, 2, f"no build stage in current context: RUN {ONLY_ARG}"),
    ("# c\nENV A=1\n", {}, 2, f"no build stage in current context: ENV {ONLY_ARG}"),
    ("FROM a AS x\nFROM b AS y\nFROM c AS X\n", {}, 3,
     "duplicate stage name 'x', first used at line 1: expected a unique name"),
    ("FROM $NOPE\n", {}, 1, "FROM $NOPE expanded to an empty string: expected an image name "
                            "(ARGs used by FROM must come before the first FROM)"),
    ("FROM ${IMG:?give_IMG}\n", {}, 1, "FROM: IMG: give_IMG"),
    ("FROM a AS x\n", {"target": "y"}, None, "target stage 'y' could not be found: expected one of x"),
    ("FROM a\n", {"target": "y"}, None,
     "target stage 'y' could not be found: expected one of none: this Dockerfile names no stage"),
    ("FROM a\nCOPY --from=0 /a /b\n", {}, 2, f"COPY --from=0: {EARLIER} (none: this is the first stage)"),
    ("FROM a\nFROM b\nCOPY --from=1 /a /b\n", {}, 3, f"COPY --from=1: {EARLIER} (0 to 0)"),
    ("FROM a\nFROM b\nCOPY --from=7 /a /b\n", {}, 3, f"COPY --from=7: {EARLIER} (0 to 0)"),
    ("FROM a AS me\nCOPY --from=ME /a /b\n", {}, 2, f"circular dependency detected on stage 'me': {SELF}"),
    ("FROM a AS me\nRUN --mount=from=me,target=/x true\n", {}, 2,
     f"circular dependency detected on stage 'me': {SELF}"),
    # the COPY that closes the cycle, as the walk from the target meets it
    ("FROM a AS one\nCOPY --from=two /a /a\nFROM b AS two\nCOPY --from=one /b /b\n", {}, 2,
     f"circular dependency detected on stage 'two': {CYCLE}"),
    ("FROM a AS one\nCOPY --from=three /a /a\nFROM one AS two\nFROM c AS three\nCOPY --from=two /b /b\n", {}, 2,
     f"circular dependency detected on stage 'three': {CYCLE}"),
    ("FROM a\nCOPY --from=${X /a /b\n", {}, 2, "COPY --from: missing '}' in '${X' after ${X"),
])
def test_plan_errors(text, kw, line, reason):
    with pytest.raises(DockerfileError) as e:
        make(text, **kw)
    assert str(e.value) == (f"Dockerfile:{line}: {reason}" if line else f"Dockerfile: {reason}")
    assert e.value.line == line


def test_a_cycle_the_target_does_not_reach_is_not_built():
    bp = make("FROM a AS one\nCOPY --from=two /a /a\nFROM b AS two\nCOPY --from=one /b /b\nFROM c AS three\n")
    assert bp.order == (2,)
