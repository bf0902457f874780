"""builder prune's choice of steps (what compat cannot see: each engine's
cache is its own): without -a the steps an image still uses stay,
--filter until= keeps the recently used ones, id= and description= pick
steps, --keep-storage removes the least recently used first until the
cache holds at most that much."""
import json

from tests.support.build import assert_clean, build, write_context

TWO_STEPS = "FROM busybox\nRUN echo one > /one\nRUN echo two > /two\n"


def _cached(stack) -> set[str]:
    """The build cache's step images (intermediate images: shown by images -a alone)."""
    every = set(stack.doca("images", "-a", "-q", "--no-trunc").stdout.split())
    return every - set(stack.doca("images", "-q", "--no-trunc").stdout.split())


def _deleted(r) -> list[str]:
    return [line for line in r.stdout.splitlines() if line.startswith("sha256:")]


def _created_by(stack, image_id: str) -> str:
    return json.loads(stack.doca("history", "--no-trunc", "--format", "{{json .}}", image_id)
                      .stdout.splitlines()[0])["CreatedBy"]


def test_prune_without_all_keeps_what_images_use(stack, tmp_path, clean_build):
    clean_build.append("prune-a:1")
    ctx = write_context(tmp_path, {"Dockerfile": TWO_STEPS.replace("one", "pa")})
    build(stack, ctx, "-t", "prune-a:1")
    steps = _cached(stack)
    assert len(steps) == 2
    assert not _deleted(stack.doca("builder", "prune", "-f"))
    assert _cached(stack) == steps
    stack.doca("rmi", "prune-a:1")  # nothing uses them now
    assert set(_deleted(stack.doca("builder", "prune", "-f"))) >= steps
    assert _cached(stack) == set()
    assert_clean(stack)


def test_prune_filters_pick_steps(stack, tmp_path, clean_build):
    clean_build.append("prune-f:1")
    ctx = write_context(tmp_path, {"Dockerfile": TWO_STEPS.replace("one", "pf")})
    build(stack, ctx, "-t", "prune-f:1")
    steps = _cached(stack)
    # used a moment ago: an until= of an hour keeps them, even with -a
    assert not _deleted(stack.doca("builder", "prune", "-af", "--filter", "until=1h"))
    assert not _deleted(stack.doca("builder", "prune", "-af", "--filter", "type=source.local"))
    top = next(i for i in steps if _created_by(stack, i) == "RUN /bin/sh -c echo two > /two")
    r = stack.doca("builder", "prune", "-af", "--filter", "description=RUN /bin/sh -c echo two > /two")
    assert _deleted(r)[:1] == [top] and _cached(stack) == steps - {top}
    rest = (steps - {top}).pop()
    r = stack.doca("builder", "prune", "-af", "--filter", f"id={rest.split(':')[1][:16]}", "--filter", "until=0s")
    assert _deleted(r)[:1] == [rest] and _cached(stack) == set()
    assert_clean(stack)


def test_keep_storage_removes_the_least_recently_used_first(stack, tmp_path, clean_build):
    old = write_context(tmp_path / "old", {"Dockerfile": "FROM busybox\nRUN head -c 3000 /dev/zero > /old\n"})
    new = write_context(tmp_path / "new", {"Dockerfile": "FROM busybox\nRUN head -c 3000 /dev/zero > /new\n"})
    build(stack, old, "-q")
    build(stack, new, "-q")
    build(stack, old, "-q")  # a cache hit: "old" is now the most recently used
    first = _cached(stack)
    assert len(first) == 2
    r = stack.doca("builder", "prune", "-af", "--keep-storage", "4k")
    assert len(_deleted(r)) == 1  # 3000 bytes each, 4k kept: one goes
    (kept,) = _cached(stack)
    assert "/old" in _created_by(stack, kept)
    assert_clean(stack)
