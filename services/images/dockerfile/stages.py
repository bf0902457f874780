"""The build plan: which stages there are, what each one starts from, which
ones the --target needs, and in what order to build them.

- Only ARG may come before the first FROM. Those global ARGs (with
  --build-arg overrides, and the caller's automatic platform args) are what a
  FROM line may use; a stage sees one only by declaring `ARG NAME` again.
- A stage is named by `FROM ... AS name` (case-insensitive) and numbered from
  0. `FROM name` builds on an EARLIER stage of that name; any other text is
  an image ("scratch" being the empty one).
- COPY --from and RUN --mount from= add dependencies (see dependencies.py).
- The target (the last stage by default) is built after the stages it
  depends on, directly or not; the others are not built.
"""
import dataclasses
from collections.abc import Mapping

from .dependencies import build_order, references
from .errors import DockerfileError, ExpansionError
from .instructions import Arg, From, Instruction
from .parser import Dockerfile
from .scope import PROXY_ARGS, Scope


@dataclasses.dataclass(frozen=True)
class Stage:
    index: int
    name: str | None
    base: str                  # the FROM image, global ARGs expanded
    base_stage: int | None     # the earlier stage FROM names, if it names one
    platform: str | None
    from_: From
    instructions: tuple[Instruction, ...]   # after FROM, as parsed
    copies_from: tuple[int, ...] = ()       # stages used by COPY --from / RUN --mount from=
    images: tuple[str, ...] = ()            # images used the same way

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    @property
    def scratch(self) -> bool:
        return self.base_stage is None and self.base.lower() == "scratch"

    @property
    def depends_on(self) -> tuple[int, ...]:
        base = () if self.base_stage is None else (self.base_stage,)
        return tuple(sorted(set(base + self.copies_from)))


@dataclasses.dataclass(frozen=True)
class BuildPlan:
    dockerfile: Dockerfile
    stages: tuple[Stage, ...]
    global_args: Mapping[str, str | None]
    build_args: Mapping[str, str]
    target: int
    order: tuple[int, ...]             # stage indexes to build, dependencies first
    unused_build_args: tuple[str, ...]  # --build-args no ARG of the built stages declares

    def stage(self, ref: str | int) -> Stage:
        if isinstance(ref, int):
            return self.stages[ref]
        for s in self.stages:
            if s.name == ref.lower():
                return s
        raise KeyError(ref)

    def scope(self, stage: Stage | int, base_env=()) -> Scope:
        """A fresh scope for executing `stage` on a base with `base_env`
        (its config's ["K=V", ...] or a mapping)."""
        return Scope(self.dockerfile.escape, env=base_env, build_args=self.build_args,
                     inherited=self.global_args)


def plan(dockerfile: Dockerfile, build_args: Mapping[str, str] | None = None,
         target: str | None = None, builtin_args: Mapping[str, str] | None = None) -> BuildPlan:
    """`builtin_args`: the automatic args (TARGETPLATFORM, BUILDARCH, ...),
    visible to FROM lines and to stages that declare them."""
    build_args = dict(build_args or {})
    builtin = dict(builtin_args or {})
    glob = Scope(dockerfile.escape, build_args=build_args, inherited=builtin, args=builtin)
    heads: list[tuple[From, list[Instruction]]] = []
    for inst in dockerfile.instructions:
        if isinstance(inst, From):
            heads.append((inst, []))
        elif heads:
            heads[-1][1].append(inst)
        elif isinstance(inst, Arg):
            glob.apply(inst)
        else:
            raise inst.loc.error(f"no build stage in current context: {inst.keyword} before the first FROM "
                                 "(only ARG may come before it)")  # Docker's words first
    if not heads:
        last = dockerfile.instructions[-1].loc.line if dockerfile.instructions else None
        raise DockerfileError(dockerfile.filename, last,
                              "no FROM instruction: expected FROM <image> to start a build stage")
    stages = _stages(heads, glob)
    names = {s.name: s.index for s in stages if s.name}
    stage_scopes = [Scope(dockerfile.escape, build_args=build_args, inherited=glob.args) for _ in stages]
    refs = [references(s, names, stage_scopes[s.index]) for s in stages]
    stages = [dataclasses.replace(s, copies_from=tuple(sorted({i for i, _ in refs[s.index][0]})),
                                  images=refs[s.index][1]) for s in stages]
    if target is None:
        chosen = len(stages) - 1
    elif target.lower() in names:
        chosen = names[target.lower()]
    else:
        known = ", ".join(sorted(names)) or "none: this Dockerfile names no stage"
        raise DockerfileError(dockerfile.filename, None,
                              f"target stage {target!r} could not be found: expected one of {known}")
    order = build_order(stages, chosen, refs)
    used = set(glob.used_build_args).union(*(stage_scopes[i].used_build_args for i in order))
    unused = tuple(sorted(k for k in build_args if k not in used and k not in PROXY_ARGS))
    return BuildPlan(dockerfile, tuple(stages), dict(glob.args), build_args, chosen, tuple(order), unused)


def _stages(heads: list[tuple[From, list[Instruction]]], glob: Scope) -> list[Stage]:
    stages: list[Stage] = []
    names: dict[str, int] = {}
    for index, (frm, body) in enumerate(heads):
        if frm.name in names:
            first = stages[names[frm.name]].from_.loc.line
            raise frm.loc.error(f"duplicate stage name {frm.name!r}, first used at line {first}: "
                                "expected a unique name")
        try:
            base = glob.expand(frm.image)
            platform = None if frm.platform is None else glob.expand(frm.platform)
        except ExpansionError as e:
            raise frm.loc.error(f"FROM: {e}") from None
        if not base.strip():
            raise frm.loc.error(f"FROM {frm.image} expanded to an empty string: expected an image "
                                "name (ARGs used by FROM must come before the first FROM)")
        stages.append(Stage(index, frm.name, base, names.get(base.lower()), platform, frm, tuple(body)))
        if frm.name:
            names[frm.name] = index
    return stages
