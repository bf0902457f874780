"""The images service's doca_* metrics on the gateway's /metrics: what the
store holds (images, layers, bytes), bytes moved to and from a registry,
build cache hits and misses; and `system df`'s Build Cache line."""
import os

from tests.support.metrics import counter, scrape
from tests.support.build import build, write_context


def test_store_figures_match_the_cli(stack):
    m = scrape(stack)
    ids = set(stack.doca("images", "-q", "--no-trunc").stdout.split())
    assert m["doca_images"] == len(ids) >= 1
    assert m["doca_layers"] >= 1
    assert m["doca_layers_bytes"] > 1_000_000  # busybox's layer at least
    assert m["doca_content_bytes"] > 0


def test_build_cache_hits_and_misses(stack, tmp_path, clean_build):  # noqa: F811
    clean_build.append("metrics-cache:1")
    ctx = write_context(tmp_path, {"Dockerfile": (
        f"FROM busybox\nRUN echo {os.urandom(4).hex()} > /a\nRUN echo b > /b\nCMD [\"cat\", \"/a\"]\n")})
    before = scrape(stack)
    build(stack, ctx, "-t", "metrics-cache:1")
    first = scrape(stack)
    assert counter(first, before, "doca_build_cache_misses") == 2
    assert counter(first, before, "doca_build_cache_hits") == 0
    build(stack, ctx, "-t", "metrics-cache:1")
    second = scrape(stack)
    assert counter(second, first, "doca_build_cache_hits") == 2
    assert counter(second, first, "doca_build_cache_misses") == 0
    row = next(line for line in stack.doca("system", "df").stdout.splitlines() if line.startswith("Build Cache"))
    assert int(row.split()[2]) >= 2  # TOTAL: the two RUN layers at least


def test_bytes_pushed_and_pulled(stack, registry):  # noqa: F811
    ref = f"{registry.address}/doca/metrics:1"
    name = "mb-" + os.urandom(4).hex()
    stack.doca("run", "--name", name, "busybox", "sh", "-c", "head -c 1048576 /dev/urandom > /blob")
    try:
        stack.doca("commit", name, ref)
    finally:
        stack.doca("rm", "-f", name)
    try:
        before = scrape(stack)
        stack.doca("push", ref)
        pushed = scrape(stack)
        # the new layer (1 MiB of random bytes in a tar) and more; busybox's layer too on a fresh registry
        assert counter(pushed, before, "doca_pushed_bytes") >= 1_048_576
        stack.doca("rmi", ref)
        stack.doca("pull", ref)
        pulled = scrape(stack)
        # only the layer the store lacked (and config, manifest): busybox's layer is already here
        assert 1_048_576 <= counter(pulled, pushed, "doca_pulled_bytes") < 1_048_576 + 200_000
    finally:
        stack.doca("rmi", "-f", ref, check=False)
