"""Helpers of the build tests (tests/build/): a context on disk, `doca build`,
its steps, and the check that a build leaves nothing behind."""
import json
import os
import pathlib


def write_context(root: pathlib.Path, files: dict) -> pathlib.Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def build(stack, context, *args, check=True):
    return stack.doca("build", *args, str(context), check=check)


def steps(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("[")]


def inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def blobs(stack) -> set[str]:
    return set(os.listdir(stack.root / "images" / "blobs" / "sha256"))


def assert_clean(stack) -> None:
    """No build container, orphaned snapshot, build directory or unfinished
    blob left. The stack is shared: a container another test left running
    (a `run --rm` interrupted by Ctrl-C, removed when it exits, seconds
    later) holds its snapshot, rightly; only a snapshot whose container is
    gone is a leak (the gateway removes a snapshot before the container's
    record, so one still there after its container has gone is one)."""
    images = stack.root / "images"
    assert not [line for line in stack.doca("ps", "-a").stdout.splitlines() if "doca-build-" in line]
    assert os.listdir(images / "builds") == []
    assert os.listdir(images / "ingest") == []
    snapshots = os.listdir(images / "snapshots")
    containers = set(stack.doca("ps", "-aq", "--no-trunc").stdout.split())
    orphans = [s for s in snapshots if s not in containers and (images / "snapshots" / s).exists()]
    assert orphans == []
