"""RepoDigests, as Docker keeps them: after a pull or a push, `inspect`
shows NAME@DIGEST with the manifest digest the registry has (the index's
for a multi-platform image pulled by tag), `images --digests` shows it in
a DIGEST column, the reference NAME@DIGEST names the image, and the record
outlives a restart. Registries: docker-registry and the faulty one, on
127.0.0.1."""
import json
import os
import urllib.request

from tests.support.faulty_registry import DOCKER_MANIFEST, OCI_MANIFEST, Image, make_index

BUSYBOX = open("/bin/busybox", "rb").read()


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def _registry_digest(registry, repo: str, tag: str) -> str:
    """The manifest digest as the registry says it (Docker-Content-Digest)."""
    req = urllib.request.Request(f"http://{registry.address}/v2/{repo}/manifests/{tag}", method="HEAD",
                                 headers={"Accept": f"{OCI_MANIFEST}, {DOCKER_MANIFEST}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.headers["Docker-Content-Digest"]


def _commit(stack, ref: str) -> None:
    name = "rd-" + os.urandom(4).hex()
    stack.doca("run", "--name", name, "busybox", "sh", "-c", f"echo {name} > /name.txt")
    try:
        stack.doca("commit", name, ref)
    finally:
        stack.doca("rm", "-f", name)


def _rows(stack, *flags) -> list[list[str]]:
    return [line.split() for line in stack.doca("images", *flags).stdout.splitlines()]


def test_push_records_the_registry_digest(stack, registry):
    ref = f"{registry.address}/doca/digests:1"
    _commit(stack, ref)
    try:
        assert _inspect(stack, ref)["RepoDigests"] == []  # made here: no registry has it yet
        stack.doca("push", ref)
        digest = _registry_digest(registry, "doca/digests", "1")
        image = _inspect(stack, ref)
        assert image["RepoDigests"] == [f"{registry.address}/doca/digests@{digest}"]
        assert _inspect(stack, f"{registry.address}/doca/digests@{digest}")["Id"] == image["Id"]
        rows = _rows(stack, "--digests")
        assert rows[0][:4] == ["REPOSITORY", "TAG", "DIGEST", "IMAGE"]
        assert [f"{registry.address}/doca/digests", "1", digest, image["Id"][7:19]] in [r[:4] for r in rows]
        plain = _rows(stack)
        assert plain[0][:3] == ["REPOSITORY", "TAG", "IMAGE"]
        assert [f"{registry.address}/doca/digests", "1", image["Id"][7:19]] in [r[:3] for r in plain]
        listed = [json.loads(line) for line in stack.doca("images", "--digests", "--format", "json").stdout.splitlines()]
        assert {"Repository": f"{registry.address}/doca/digests", "Tag": "1", "Digest": digest}.items() <= \
            next(i for i in listed if i["Repository"].endswith("/doca/digests")).items()
    finally:
        stack.doca("rmi", ref)


def test_pull_records_the_registry_digest_across_a_restart(stack, registry, make_stack):
    ref = f"{registry.address}/doca/pulled:1"
    _commit(stack, ref)
    try:
        stack.doca("push", ref)
    finally:
        stack.doca("rmi", ref)
    digest = _registry_digest(registry, "doca/pulled", "1")
    fresh = make_stack("digests").start()
    out = fresh.doca("pull", ref).stdout
    assert f"Digest: {digest}" in out
    expected = [f"{registry.address}/doca/pulled@{digest}"]
    assert _inspect(fresh, ref)["RepoDigests"] == expected
    fresh.stop()
    fresh.start()
    assert _inspect(fresh, ref)["RepoDigests"] == expected
    fresh.doca("rmi", ref)
    assert fresh.doca("inspect", expected[0], check=False).returncode == 1  # gone with the image
    # Pulled by digest alone: no tag, known by its digest; listed under its repository, tag <none>.
    fresh.doca("pull", expected[0])
    image = _inspect(fresh, expected[0])
    assert image["RepoTags"] == [] and image["RepoDigests"] == expected
    name = f"{registry.address}/doca/pulled"
    assert [name, "<none>", digest, image["Id"][7:19]] in [r[:4] for r in _rows(fresh, "--digests")]
    assert [name, "<none>", image["Id"][7:19]] in [r[:3] for r in _rows(fresh)]
    fresh.doca("rmi", expected[0])
    assert fresh.doca("inspect", image["Id"], check=False).returncode == 1


def test_multi_platform_pull_records_the_index_digest(stack, faulty):
    amd = Image([{"bin/hello": b"amd64 digests", "bin/busybox": BUSYBOX}])
    arm = Image([{"bin/hello": b"arm64 digests"}])
    index_digest = faulty.add_index("lib/multidigest", "1", make_index([(arm, "linux/arm64"), (amd, "linux/amd64")]),
                                    [arm, amd])
    ref = f"{faulty.address}/lib/multidigest:1"
    stack.doca("pull", ref)
    try:
        image = _inspect(stack, ref)
        assert image["Id"] == amd.id
        assert image["RepoDigests"] == [f"{faulty.address}/lib/multidigest@{index_digest}"]
        assert _inspect(stack, f"{faulty.address}/lib/multidigest@{index_digest}")["Id"] == amd.id
    finally:
        stack.doca("rmi", ref)
