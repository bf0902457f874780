"""doca build pulls a FROM image the store lacks from its registry, as
Docker does, with the credentials the CLI keeps for that registry (sent
with the build: FROM lines read by the CLI, ARGs filled); the pull's
progress shows in the build's output. --pull pulls a newer image even when
the store has one. An unreachable registry is one line naming it, exit 1,
nothing left half made; a client that goes away mid-pull stops it.
Registries: docker-registry and tests/support/faulty_registry.py on 127.0.0.1."""
import os
import signal
import subprocess
import time

from gateway.cli import build_from
from tests.support.faulty_registry import Image
from tests.support.registry import USER, PASSWORD, stored
from tests.support.stack import DOCA, free_port
from tests.support.build import assert_clean, blobs, build, inspect, write_context


def _commit(stack, ref: str, text: str) -> str:
    """An image FROM busybox with /base.txt holding text; its id."""
    name = "bp-" + os.urandom(4).hex()
    stack.doca("run", "--name", name, "busybox", "sh", "-c", f"echo {text} > /base.txt")
    try:
        stack.doca("commit", "--change", 'CMD ["cat", "/base.txt"]', name, ref)
    finally:
        stack.doca("rm", "-f", name)
    return inspect(stack, ref)["Id"]


def _pushed(stack, ref: str, text: str) -> str:
    """Pushed to its registry and removed from the store; its id."""
    image_id = _commit(stack, ref, text)
    stack.doca("push", ref)
    stack.doca("rmi", ref)
    return image_id


def test_from_a_missing_image_pulls_it(stack, registry, tmp_path, clean_build):
    base = f"{registry.address}/doca/buildbase:1"
    clean_build += [base, "frompull:1"]
    base_id = _pushed(stack, base, "from-the-registry")
    ctx = write_context(tmp_path, {"Dockerfile": f"FROM {base}\nRUN cp /base.txt /copy.txt\n"
                                                 'CMD ["cat", "/copy.txt"]\n'})
    r = build(stack, ctx, "-t", "frompull:1")
    lines = r.stdout.splitlines()
    assert "1: Pulling from doca/buildbase" in lines
    assert any(line.endswith(": Pull complete") for line in lines)
    assert any(line.endswith(": Already exists") for line in lines)  # busybox's layer: here already
    assert f"Status: Downloaded newer image for {base}" in lines
    assert lines.index(f"Status: Downloaded newer image for {base}") < lines.index(f"[1/3] FROM {base}")
    assert not any("Downloading" in line for line in lines)  # no byte counters in a build's output
    assert inspect(stack, base)["Id"] == base_id
    assert stack.run("frompull:1") == "from-the-registry\n"
    r = build(stack, ctx, "-t", "frompull:1")  # in the store now: no pull
    assert "Pulling from" not in r.stdout and "[2/3] CACHED RUN" in r.stdout
    assert_clean(stack)


def test_pull_flag_gets_the_newer_image(stack, registry, tmp_path, clean_build):
    base = f"{registry.address}/doca/buildnewer:1"
    clean_build += [base, "pullflag:1"]
    old = _commit(stack, base, "old")
    stack.doca("push", base)
    _commit(stack, base, "new")
    stack.doca("push", base)      # the registry has "new" under the tag...
    stack.doca("tag", old, base)  # ...the store "old"
    ctx = write_context(tmp_path, {"Dockerfile": f"FROM {base}\n"})
    r = build(stack, ctx, "-t", "pullflag:1")
    assert "Pulling from" not in r.stdout
    assert stack.run("pullflag:1") == "old\n"
    r = build(stack, ctx, "--pull", "-t", "pullflag:1")
    assert f"Status: Downloaded newer image for {base}" in r.stdout
    assert stack.run("pullflag:1") == "new\n"
    r = build(stack, ctx, "--pull", "-t", "pullflag:1")
    assert f"Status: Image is up to date for {base}" in r.stdout
    stack.doca("rmi", old)


def test_credentials_go_with_the_build(stack, auth_registry, docker_config, tmp_path, clean_build):
    addr = auth_registry.address
    base = f"{addr}/private/buildbase:1"
    clean_build += [base, "authpull:1"]
    stack.doca("login", "-u", USER, "--password-stdin", addr, input=PASSWORD + "\n")
    _pushed(stack, base, "private")
    # Named through ARGs and a --build-arg: the CLI fills them in to know the registry.
    ctx = write_context(tmp_path, {"Dockerfile": "ARG REG=nowhere.invalid\nARG IMG=$REG/private/buildbase\n"
                                                 "FROM ${IMG}:1\n"})
    r = build(stack, ctx, "--build-arg", f"REG={addr}", "-t", "authpull:1")
    assert f"Status: Downloaded newer image for {base}" in r.stdout
    assert stack.run("authpull:1") == "private\n"
    stack.doca("rmi", "authpull:1", base)
    stack.doca("logout", addr)
    before = blobs(stack)
    r = build(stack, ctx, "--build-arg", f"REG={addr}", "-t", "authpull:1", check=False)
    assert r.returncode == 1 and "unauthorized" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("doca: Dockerfile:3: FROM ")
    assert blobs(stack) == before
    assert_clean(stack)


def test_unreachable_registry_is_one_line_and_nothing_made(stack, tmp_path):
    ref = f"127.0.0.1:{free_port()}/nobody/here:1"
    ctx = write_context(tmp_path, {"Dockerfile": f"FROM {ref}\nRUN echo never\n"})
    before, images = blobs(stack), stack.doca("images", "-a", "-q").stdout
    r = build(stack, ctx, "-t", "unreachable:1", check=False)
    assert r.returncode == 1
    assert r.stderr.startswith("doca: registry 127.0.0.1:") and "unreachable" in r.stderr, r.stderr
    assert f"(Dockerfile:1: FROM {ref})" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert stack.doca("inspect", "unreachable:1", check=False).returncode == 1
    assert blobs(stack) == before and stack.doca("images", "-a", "-q").stdout == images
    assert_clean(stack)


def test_client_gone_mid_pull_stops_it(stack, faulty, tmp_path):
    big = os.urandom(2 << 20)
    img = Image([{"bin/hello": b"hi"}, {"data/big": big}], cmd=("/bin/hello",))
    faulty.add_image("lib/stallbase", "1", img)
    faulty.faults[img.layer_digests[1]] = "stall"
    ref = f"{faulty.address}/lib/stallbase:1"
    ctx = write_context(tmp_path, {"Dockerfile": f"FROM {ref}\n"})
    before = stored(stack)
    proc = subprocess.Popen([DOCA, "build", str(ctx)], env=stack.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while faulty.count("GET", f"/v2/lib/stallbase/blobs/{img.layer_digests[1]}") == 0:
        assert time.monotonic() < deadline, "the build never asked for the stalling blob"
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err
    deadline = time.monotonic() + 20
    while stored(stack) != before:  # the build's pull notices and cleans up
        assert time.monotonic() < deadline, f"left behind: {stored(stack)} vs {before}"
        time.sleep(0.1)
    assert stack.doca("inspect", ref, check=False).returncode == 1
    assert_clean(stack)


def test_cli_reads_the_images_a_dockerfile_names():
    text = ("# escape=`\n"
            "ARG REG=127.0.0.1:5000\nARG IMG=$REG/base:1\n"
            "FROM --platform=linux/amd64 ${IMG} AS build\n"
            "RUN cat <<EOF > /x\nFROM not/an-image:1\nEOF\n"
            "RUN echo a `\n  && echo b\n"
            "FROM build\nCOPY --from=build /x /y\nCOPY --from=0 /x /z\nCOPY --from=other.io/img:2 /x /y\n"
            "FROM $UNSET\nFROM ${UNSET:-x}\nFROM scratch\nfrom localhost:5000/x\n")
    assert build_from.images(text, {}) == ["127.0.0.1:5000/base:1", "other.io/img:2", "localhost:5000/x"]
    assert build_from.images(text, {"REG": "h.io"})[0] == "h.io/base:1"
