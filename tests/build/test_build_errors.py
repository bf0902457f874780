"""Builds that fail: a syntax error names the file, the line and what was
expected; a missing COPY source and a failed RUN (its exit code shown) stop
the build there with one line and exit 1; nothing is left half made (no
build container, snapshot, build directory, ingest or new blob beyond the
steps that did finish, which stay cached). A client that goes away stops
the RUN under way; a build the images service's crash interrupted is
cleaned when it comes back."""
import os
import signal
import subprocess
import time

import pytest

from tests.support.stack import DOCA
from tests.support.build import assert_clean, blobs, build, steps, write_context
from tests.runtime.test_live_restore import _wait_for


@pytest.mark.parametrize("dockerfile, files, message", [
    ("FROM busybox\nRUN echo ok\nFORM x\n", {}, "Dockerfile:3: unknown instruction: FORM (did you mean FROM?)"),
    ("FROM busybox\nCOPY\n", {}, "Dockerfile:2: COPY requires at least two arguments"),
    ("RUN echo\nFROM busybox\n", {}, "Dockerfile:1: no build stage in current context: RUN before the first FROM"),
    ("FROM busybox\nRUN <<EOF\necho\n", {}, "Dockerfile:2: unterminated heredoc <<EOF"),
    ("FROM busybox\nCOPY missing.txt /\n", {},
     "Dockerfile:2: COPY failed: file not found in build context or excluded by .dockerignore"),
    ("FROM busybox\nCOPY secret.txt /\n", {"secret.txt": "s", ".dockerignore": "secret.txt\n"},
     "Dockerfile:2: COPY failed: file not found in build context or excluded by .dockerignore"),
    # An id is never pulled (a missing name is: tests/build/test_build_pull.py).
    (f"FROM {'0' * 64}\n", {}, f"Dockerfile:1: FROM {'0' * 64}: No such image"),
    ("FROM busybox\nUSER ghost\nRUN true\n", {}, "Dockerfile:3: the RUN container failed: unable to find user ghost"),
    ("FROM busybox\nCOPY --chown=ghost x /\n", {"x": "x"}, "Dockerfile:2: --chown=ghost: unable to find user ghost"),
    ("FROM busybox\nRUN --network=host true\n", {}, "Dockerfile:2: RUN --network=host is not supported"),
    ("FROM busybox\nRUN --mount=type=secret,id=x true\n", {},
     "Dockerfile:2: RUN --mount=type=secret,id=x: type=secret mounts are not supported by doca yet"),
])
def test_bad_input_one_line_exit_1(stack, tmp_path, dockerfile, files, message):
    ctx = write_context(tmp_path, {"Dockerfile": dockerfile, **files})
    before = blobs(stack)
    r = build(stack, ctx, "-t", "bad:1", check=False)
    assert r.returncode == 1, r
    assert r.stderr.strip() == f"doca: {message}" or r.stderr.startswith(f"doca: {message}"), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert blobs(stack) == before
    assert stack.doca("inspect", "bad:1", check=False).returncode == 1
    assert_clean(stack)


def test_context_the_cli_cannot_read_stops_the_build(stack, tmp_path):
    ctx = write_context(tmp_path, {"Dockerfile": "FROM busybox\nCOPY . /\n", ".dockerignore": "a[\n"})
    r = build(stack, ctx, check=False)
    assert r.returncode == 1 and r.stderr == (
        "doca: cannot send the build context: .dockerignore:1: bad pattern 'a[': unexpected end of pattern "
        "in a character class: expected Go filepath.Match syntax\n")
    assert_clean(stack)


def test_failed_run_stops_the_build_and_keeps_what_finished(stack, tmp_path, clean_build):
    ctx = write_context(tmp_path, {"Dockerfile": (
        "FROM busybox\nRUN echo first > /first\n"
        "RUN echo partial > /partial && echo about to fail && exit 3\nRUN echo never\n")})
    r = build(stack, ctx, "-t", "fails:1", check=False)
    assert r.returncode == 1
    assert r.stderr == ("doca: Dockerfile:3: the command '/bin/sh -c echo partial > /partial && echo about "
                        "to fail && exit 3' returned a non-zero code: 3\n")
    lines = r.stdout.splitlines()
    assert "about to fail" in lines and "never" not in lines and "[4/4]" not in r.stdout
    assert_clean(stack)
    with_first = blobs(stack)
    r = build(stack, ctx, check=False)  # the step that finished is cached; the failed one runs again
    assert "[2/4] CACHED RUN" in r.stdout and "[3/4] RUN" in r.stdout and r.returncode == 1
    assert blobs(stack) == with_first  # the failed step left no layer, the second time either
    assert_clean(stack)


def test_client_going_away_stops_the_run(make_stack, tmp_path):
    s = make_stack("bc").start()
    ctx = write_context(tmp_path, {"Dockerfile": "FROM busybox\nRUN echo started; sleep 60\n"})
    proc = subprocess.Popen([DOCA, "build", str(ctx)], env=dict(os.environ, DOCA_HOST=s.host),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline().startswith("[1/2]")
        assert proc.stdout.readline().startswith("[2/2] RUN")
        assert proc.stdout.readline() == "started\n"
        assert [line for line in s.doca("ps").stdout.splitlines() if "doca-build-" in line]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert _wait_for(lambda: "doca-build-" not in s.doca("ps", "-a").stdout, 10)
    assert _wait_for(lambda: os.listdir(s.root / "images" / "builds") == [], 10)
    assert_clean(s)
    t0 = time.monotonic()
    s.stop()  # no call of the build is left hanging in a service: it stops at once
    assert time.monotonic() - t0 < 8


def test_interrupted_build_cleaned_at_restart(make_stack, tmp_path):
    s = make_stack("bk").start()
    ctx = write_context(tmp_path, {"Dockerfile": "FROM busybox\nRUN echo started; sleep 120\n"})
    proc = subprocess.Popen([DOCA, "build", str(ctx)], env=dict(os.environ, DOCA_HOST=s.host),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert _wait_for(lambda: "doca-build-" in s.doca("ps").stdout, 20)
        os.kill(s.service_pid("services.images"), signal.SIGKILL)  # the daemon starts it again
        assert proc.wait(20) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The new images service finds the build's directory: its container and snapshot go.
    assert _wait_for(lambda: "doca-build-" not in s.doca("ps", "-a", check=False).stdout, 30)
    assert _wait_for(lambda: os.listdir(s.root / "images" / "builds") == [], 10)
    assert os.listdir(s.root / "images" / "snapshots") == []
