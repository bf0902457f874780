"""doca build through the CLI: the five-step Dockerfile of the benchmark
(FROM, RUN, COPY, ENV, CMD) built, run, rebuilt from the cache; one source
file changed rebuilds from the step that reads it and shares every earlier
layer blob; metadata steps make no layer; intermediate images stay out of
`doca images`; the cache outlives an rmi of the image and goes with
`builder prune -a`. (The helpers are tests/support/build.py's.)"""
from tests.support.build import assert_clean, blobs, build, inspect, steps, write_context

FIVE_STEPS = """FROM busybox
RUN echo built > /built.txt
COPY app.txt /app/
ENV GREETING=hello
CMD ["cat", "/app/app.txt"]
"""


def test_build_run_and_rebuild_from_cache(stack, tmp_path, clean_build):
    clean_build.append("five:1")
    ctx = write_context(tmp_path, {"Dockerfile": FIVE_STEPS, "app.txt": "v1\n"})
    r = build(stack, ctx, "-t", "five:1")
    assert steps(r.stdout) == ["[1/5] FROM busybox", "[2/5] RUN /bin/sh -c echo built > /built.txt",
                               "[3/5] COPY app.txt /app/", "[4/5] ENV GREETING=hello",
                               '[5/5] CMD ["cat", "/app/app.txt"]']
    assert "Successfully tagged five:1" in r.stdout
    assert stack.run("five:1") == "v1\n"
    assert stack.run("five:1", "sh", "-c", "cat /built.txt; echo $GREETING") == "built\nhello\n"
    first, base = inspect(stack, "five:1"), inspect(stack, "busybox")
    # Two layer steps, two layers more than the base; ENV and CMD made none.
    assert first["RootFS"]["Layers"][:1] == base["RootFS"]["Layers"]
    assert len(first["RootFS"]["Layers"]) == 3
    hist = stack.doca("history", "five:1").stdout.splitlines()[1:]
    assert [line.split()[-1] for line in hist[:2]] == ["0B", "0B"]  # CMD and ENV: empty layers
    assert_clean(stack)

    before = blobs(stack)
    r = build(stack, ctx, "-t", "five:1")
    assert [s for s in steps(r.stdout) if "CACHED" in s] == [
        "[2/5] CACHED RUN /bin/sh -c echo built > /built.txt", "[3/5] CACHED COPY app.txt /app/"]
    assert inspect(stack, "five:1")["Id"] == first["Id"]  # the very same image
    assert blobs(stack) == before                          # and nothing written

    (ctx / "app.txt").write_text("v2\n")
    r = build(stack, ctx, "-t", "five:1")
    assert "[2/5] CACHED RUN" in r.stdout and "[3/5] COPY app.txt /app/" in r.stdout
    second = inspect(stack, "five:1")
    assert second["Id"] != first["Id"] and stack.run("five:1") == "v2\n"
    assert second["RootFS"]["Layers"][:2] == first["RootFS"]["Layers"][:2]  # shared, not copied
    assert second["RootFS"]["Layers"][2] != first["RootFS"]["Layers"][2]
    # New: the COPY layer, and a config and a manifest for the image and for the step's cache entry.
    assert len(blobs(stack) - before) == 5


def test_metadata_only_change_reuses_every_layer(stack, tmp_path, clean_build):
    clean_build += ["meta:1", "meta:2"]
    ctx = write_context(tmp_path, {"Dockerfile": FIVE_STEPS, "app.txt": "x\n"})
    build(stack, ctx, "-t", "meta:1")
    (ctx / "Dockerfile").write_text(FIVE_STEPS.replace('CMD ["cat", "/app/app.txt"]', 'CMD ["ls", "/app"]')
                                    + "LABEL team=core\n")
    r = build(stack, ctx, "-t", "meta:2", "--label", "built-by=test")
    assert "[2/6] CACHED RUN" in r.stdout and "[3/6] CACHED COPY" in r.stdout
    a, b = inspect(stack, "meta:1"), inspect(stack, "meta:2")
    assert a["RootFS"]["Layers"] == b["RootFS"]["Layers"] and a["Id"] != b["Id"]
    assert b["Config"]["Labels"] == {"team": "core", "built-by": "test"}
    assert b["Config"]["Cmd"] == ["ls", "/app"]


def test_intermediate_images_and_the_cache_lifetime(stack, tmp_path, clean_build):
    clean_build.append("life:1")
    ctx = write_context(tmp_path, {"Dockerfile": FIVE_STEPS, "app.txt": "life\n"})
    image_id = build(stack, ctx, "-q", "-t", "life:1").stdout.strip()
    assert image_id.startswith("sha256:") and image_id == inspect(stack, "life:1")["Id"]
    listed = stack.doca("images", "-q", "--no-trunc").stdout.split()
    every = stack.doca("images", "-a", "-q", "--no-trunc").stdout.split()
    assert image_id in listed and len(every) >= len(listed) + 2  # the RUN and COPY steps' images, hidden
    stack.doca("image", "prune", "-f")  # the intermediate images are not dangling ones: kept
    assert set(every) - set(listed) <= set(stack.doca("images", "-a", "-q", "--no-trunc").stdout.split())

    # rmi removes the image; the cache still has its steps.
    stack.doca("rmi", "life:1")
    r = build(stack, ctx, "-t", "life:1")
    assert "[2/5] CACHED RUN" in r.stdout and "[3/5] CACHED COPY" in r.stdout

    # Without -a the steps life:1 still uses stay (BuildKit's shared records); -a takes them too.
    r = stack.doca("builder", "prune", "-f")
    assert "Total reclaimed space" in r.stdout and "Deleted build cache objects" not in r.stdout
    r = stack.doca("builder", "prune", "-af")
    assert "Deleted build cache objects" in r.stdout
    assert stack.doca("images", "-a", "-q").stdout.split() == stack.doca("images", "-q").stdout.split()
    r = build(stack, ctx, "-t", "life:1")
    assert "CACHED" not in r.stdout
    r = build(stack, ctx, "--no-cache", "-t", "life:1")
    assert "CACHED" not in r.stdout and stack.run("life:1") == "life\n"
