"""`doca run` and `doca create` pull an image the store lacks, as Docker
does (--pull missing by default, always, never); the pull's progress goes
to stderr so the container's output stays clean on stdout. The registry is
Debian's docker-registry on 127.0.0.1; "not found anywhere" uses a loopback
port nothing listens on, so no test reaches beyond this machine."""
import json
import os

from tests.support.stack import free_port


def _push_app(stack, registry, tag: str) -> str:
    ref = f"{registry.address}/doca/runpull:{tag}"
    name = "rp-" + os.urandom(4).hex()
    stack.doca("run", "--name", name, "busybox", "sh", "-c", f"echo {tag} > /tag.txt")
    try:
        stack.doca("commit", "--change", 'CMD ["cat", "/tag.txt"]', name, ref)
    finally:
        stack.doca("rm", "-f", name)
    stack.doca("push", ref)
    stack.doca("rmi", ref)
    return ref


def test_run_pulls_a_missing_image(stack, registry):
    ref = _push_app(stack, registry, "v1")
    try:
        r = stack.doca("run", "--rm", ref)
        assert r.stdout == "v1\n"  # only the container's output on stdout
        assert f"Unable to find image '{ref}' locally" in r.stderr
        assert f"Status: Downloaded newer image for {ref}" in r.stderr
        assert json.loads(stack.doca("inspect", ref).stdout)[0]["Id"].startswith("sha256:")
        r = stack.doca("run", "--rm", ref)  # present now: no pull
        assert r.stdout == "v1\n" and "Unable to find" not in r.stderr
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_create_pulls_and_detached_run_prints_only_the_id(stack, registry):
    ref = _push_app(stack, registry, "v2")
    try:
        cid = stack.doca("create", ref).stdout.strip()
        assert len(cid) == 64
        stack.doca("rm", cid)
        stack.doca("rmi", ref)
        r = stack.doca("run", "-d", ref)
        cid = r.stdout.strip()
        assert len(cid) == 64 and "Downloaded newer image" in r.stderr
        assert stack.doca("wait", cid).stdout.strip() == "0"
        assert stack.doca("logs", cid).stdout == "v2\n"
        stack.doca("rm", cid)
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_pull_never_and_always(stack, registry):
    ref = _push_app(stack, registry, "v3")
    try:
        r = stack.doca("run", "--rm", "--pull", "never", ref, check=False)
        assert r.returncode == 125
        assert r.stderr.strip().splitlines() == [f"doca: No such image: {ref}"]
        stack.doca("pull", "-q", ref)
        r = stack.doca("run", "--rm", "--pull", "always", ref)
        assert r.stdout == "v3\n" and "Image is up to date" in r.stderr
        r = stack.doca("run", "--rm", "--pull", "sometimes", ref, check=False)
        assert r.returncode == 125 and "invalid pull option: 'sometimes'" in r.stderr  # docker 28's words
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_missing_everywhere_is_one_line_and_exit_125(stack):
    before = stack.doca("ps", "-aq").stdout
    ref = f"127.0.0.1:{free_port()}/nobody/here:1"
    r = stack.doca("run", "--rm", ref, "true", check=False)
    assert r.returncode == 125
    lines = r.stderr.strip().splitlines()
    assert lines[0] == f"Unable to find image '{ref}' locally"
    assert len(lines) == 2 and lines[1].startswith("doca: registry 127.0.0.1:") and "unreachable" in lines[1]
    assert stack.doca("ps", "-aq").stdout == before  # nothing half-created
