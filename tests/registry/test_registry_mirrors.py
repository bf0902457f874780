"""Registry mirrors (`doca daemon --registry-mirror NAME=URL`,
DOCA_REGISTRY_MIRRORS): every pull of a mirrored registry's image fetches
it from the mirror with the repository path kept, and the image keeps its
own name. Pull, run and create of a missing image, build's FROM and the
Docker API face's /images/create all go through it.

Nothing here reaches beyond this machine: the mirrors are Debian's
docker-registry on 127.0.0.1 (or a loopback port nothing listens on), and
the mirrored names are either unresolvable (*.invalid, RFC 2606) or a
loopback registry; docker.io is pulled only for a manifest the mirror is
first checked to have."""
import json
import os
import subprocess

import docker
import pytest

from tests.support.registry import Registry
from tests.support.stack import DOCA, Stack, free_port

MANIFEST_TYPES = ("application/vnd.docker.distribution.manifest.v2+json",
                  "application/vnd.oci.image.manifest.v1+json")
NAME = "mirror.invalid"   # a registry name that cannot resolve: the mirror is the only way


@pytest.fixture(scope="module")
def mirrors(tmp_path_factory):
    """(stack, registry, empty): `registry` mirrors NAME and docker.io; the
    registry's own address is mirrored first to a dead port then to
    `empty` (a registry without images), to see both fall-backs."""
    registry, empty = Registry().start(), None
    stack = None
    try:
        empty = Registry().start()
        dead = f"http://127.0.0.1:{free_port()}"
        setting = (f"{NAME}=http://{registry.address},docker.io=http://{registry.address},"
                   f"{registry.address}={dead},{registry.address}=http://{empty.address}")
        stack = Stack(tmp_path_factory.mktemp("mirror-stack"), "mir", daemon_env={"DOCA_REGISTRY_MIRRORS": setting})
        stack.start()
        yield stack, registry, empty
    finally:
        if stack is not None:
            stack.destroy()
        for r in (registry, empty):
            if r is not None:
                r.destroy()


def _push(stack, registry, repo: str, text: str) -> str:
    """An image whose CMD prints `text`, pushed as REGISTRY/repo and
    removed from the store again; returns that reference."""
    ref = f"{registry.address}/{repo}"
    name = "mir-" + os.urandom(4).hex()
    stack.doca("run", "--name", name, "busybox", "sh", "-c", f"echo {text} > /said.txt")
    try:
        stack.doca("commit", "--change", 'CMD ["cat", "/said.txt"]', name, ref)
    finally:
        stack.doca("rm", "-f", name)
    stack.doca("push", ref)
    stack.doca("rmi", ref)
    return ref


def _names(stack) -> list[str]:
    return stack.doca("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()


def _manifest_gets(registry, repo: str) -> list[int]:
    return [status for method, uri, status in registry.requests()
            if method == "GET" and uri.startswith(f"/v2/{repo}/manifests/")]


def test_pull_through_the_mirror_keeps_the_name(mirrors):
    stack, registry, _ = mirrors
    _push(stack, registry, "mirrored/app:1", "one")
    ref = f"{NAME}/mirrored/app:1"
    try:
        r = stack.doca("pull", ref)
        assert f"Status: Downloaded newer image for {ref}" in r.stdout and r.stdout.rstrip().endswith(ref)
        names = _names(stack)
        assert ref in names and f"{registry.address}/mirrored/app:1" not in names
        doc = json.loads(stack.doca("inspect", ref).stdout)[0]
        assert doc["RepoTags"] == [ref]
        assert [d.split("@")[0] for d in doc["RepoDigests"]] == [f"{NAME}/mirrored/app"]
        assert 200 in _manifest_gets(registry, "mirrored/app")  # the path kept, without the mirrored name
        assert stack.doca("run", "--rm", ref).stdout == "one\n"
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_run_and_create_pull_a_missing_mirrored_image(mirrors):
    stack, registry, _ = mirrors
    _push(stack, registry, "mirrored/run:1", "ran")
    ref = f"{NAME}/mirrored/run:1"
    try:
        r = stack.doca("run", "--rm", ref)
        assert r.stdout == "ran\n"
        assert f"Unable to find image '{ref}' locally" in r.stderr and "Downloaded newer image" in r.stderr
        stack.doca("rmi", ref)
        cid = stack.doca("create", ref).stdout.strip()
        stack.doca("rm", cid)
        assert ref in _names(stack)
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_build_from_a_mirrored_image(mirrors, tmp_path):
    stack, registry, _ = mirrors
    _push(stack, registry, "mirrored/base:1", "base")
    base, tag = f"{NAME}/mirrored/base:1", "mirror-built:1"
    (tmp_path / "Dockerfile").write_text(f"FROM {base}\nRUN echo built >> /said.txt\n")
    try:
        r = stack.doca("build", "-q", "-t", tag, str(tmp_path))
        assert r.stdout.strip().startswith("sha256:")
        assert stack.doca("run", "--rm", tag).stdout == "base\nbuilt\n"
        assert base in _names(stack)
    finally:
        stack.doca("rmi", "-f", tag, base, check=False)
        stack.doca("builder", "prune", "-f", check=False)


def test_docker_hub_keeps_library(mirrors):
    stack, registry, _ = mirrors
    _push(stack, registry, "library/mirrorbox:1", "hub")
    # The mirror has it, so the pull never needs docker.io itself.
    assert registry.get_json("/v2/library/mirrorbox/manifests/1", accept=", ".join(MANIFEST_TYPES))["layers"]
    try:
        stack.doca("pull", "-q", "mirrorbox:1")
        assert "mirrorbox:1" in _names(stack)
        assert stack.doca("run", "--rm", "mirrorbox:1").stdout == "hub\n"
    finally:
        stack.doca("rmi", "-f", "mirrorbox:1", check=False)


def test_docker_api_face_pulls_through_the_mirror(mirrors):
    stack, registry, _ = mirrors
    _push(stack, registry, "mirrored/api:1", "api")
    ref = f"{NAME}/mirrored/api:1"
    api = docker.APIClient(base_url=stack.docker_host, version="1.41")
    try:
        api.pull(f"{NAME}/mirrored/api", tag="1")
        assert api.inspect_image(ref)["RepoTags"] == [ref]
    finally:
        api.close()
        stack.doca("rmi", "-f", ref, check=False)


def test_falls_back_to_the_registry_when_mirrors_fail(mirrors):
    """The registry's own address has two mirrors: a dead port (unreachable)
    and an empty registry (not found); the pull ends at the registry."""
    stack, registry, empty = mirrors
    ref = _push(stack, registry, "mirrored/fallback:1", "fell")
    try:
        stack.doca("pull", "-q", ref)
        assert ref in _names(stack)
        assert _manifest_gets(empty, "mirrored/fallback") == [404]
    finally:
        stack.doca("rmi", "-f", ref, check=False)


def test_missing_everywhere_says_what_each_endpoint_said(mirrors):
    stack, registry, _ = mirrors
    ref = f"{NAME}/mirrored/nowhere:1"
    r = stack.doca("pull", ref, check=False)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    # the mirror's "not found" (an offline node: not "unavailable"), then what the registry itself said
    assert f"manifest for {ref} not found" in lines[0]
    assert f"(the registry itself: registry {NAME}" in lines[0]
    assert ref not in _names(stack)


@pytest.mark.parametrize("how", ["flag", "env"])
def test_bad_value_is_one_line_at_daemon_start(tmp_path, how):
    bad = "registry.k8s.io=ftp://127.0.0.1:5000"
    argv = [DOCA, "daemon", "--root", str(tmp_path / "root"), "--run-dir", str(tmp_path / "run")]
    env = {k: v for k, v in os.environ.items() if k != "DOCA_REGISTRY_MIRRORS"}
    if how == "flag":
        argv += ["--registry-mirror", "docker.io=http://127.0.0.1:5000", "--registry-mirror", bad]
    else:
        env["DOCA_REGISTRY_MIRRORS"] = bad
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [f"doca daemon: invalid registry mirror {bad!r}: "
                                      "the URL's scheme must be http or https"]
    assert not (tmp_path / "root").exists() and not (tmp_path / "run").exists()  # nothing started
