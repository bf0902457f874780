"""Which stages a stage uses besides its base, and the order to build in.

- `COPY --from=X` and `RUN --mount=...,from=X` use stage X when X names a
  stage (any stage but the current one: BuildKit resolves names among all
  stages, later ones included) or is a number (the index of an EARLIER
  stage); otherwise X is an image. X may use the stage's ARGs and ENVs
  (`--from=${BUILDER}`), applied in order.
- The build order visits the target's dependencies depth first (lowest index
  first), each before the stages that need it. A cycle (stage a copies from
  b, which copies from a) is an error naming the COPY that closes it.

References are resolved for every stage (an error in one the target does not
need still fails the plan). The base image's ENV is not known here, so a
--from using a variable only the base image sets is not resolved.
"""
from .errors import ExpansionError, Location
from .instructions import Arg, Copy, Env, Run
from .scope import Scope


def _mount_source(spec: str) -> str | None:
    """The from= of a RUN --mount spec (`type=bind,from=build,target=/x`)."""
    for field in spec.split(","):
        key, eq, value = field.partition("=")
        if eq and key.strip().lower() == "from":
            return value.strip()
    return None


def references(stage, names: dict[str, int], scope: Scope):
    """([(stage index, location)], images) used by the stage's COPY --from
    and RUN --mount from=, with the stage's ARGs and ENVs applied in order."""
    used: list[tuple[int, Location]] = []
    images: list[str] = []
    for inst in stage.instructions:
        if isinstance(inst, (Arg, Env)):
            scope.apply(inst)
            continue
        raw = []
        if isinstance(inst, Copy) and inst.from_ is not None:
            raw.append(("COPY --from", inst.from_))
        if isinstance(inst, Run):
            raw.extend(("RUN --mount from", m) for m in inst.mounts)
        for what, text in raw:
            try:
                ref = scope.expand(text)
            except ExpansionError as e:
                raise inst.loc.error(f"{what}: {e}") from None
            if what.startswith("RUN"):
                ref = _mount_source(ref)
                if ref is None:
                    continue
            index = _stage_ref(ref, stage, names, inst.loc, what)
            if index is None:
                images.append(ref)
            else:
                used.append((index, inst.loc))
    return used, tuple(dict.fromkeys(images))


def _stage_ref(ref: str, stage, names: dict[str, int], loc: Location, what: str) -> int | None:
    if ref.isascii() and ref.isdigit():
        index = int(ref)
        if index >= stage.index:
            expected = f"0 to {stage.index - 1}" if stage.index else "none: this is the first stage"
            raise loc.error(f"{what}={ref}: expected the index of an earlier stage ({expected})")
        return index
    index = names.get(ref.lower())
    if index == stage.index:
        raise loc.error(f"circular dependency detected on stage {stage.label!r}: "
                        "a stage cannot copy from itself")
    return index


def build_order(stages: list, target: int, refs) -> list[int]:
    where = {(s.index, d): loc for s in stages for d, loc in refs[s.index][0]}
    state: dict[int, str] = {}
    order: list[int] = []

    def visit(i: int) -> None:
        state[i] = "visiting"
        for d in stages[i].depends_on:
            if state.get(d) == "visiting":
                loc = where.get((i, d), stages[i].from_.loc)
                raise loc.error(f"circular dependency detected on stage {stages[d].label!r}: "
                                "expected stages that do not copy from each other")
            if d not in state:
                visit(d)
        state[i] = "done"
        order.append(i)

    visit(target)
    return order
