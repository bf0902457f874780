"""doca commit through the CLI: the container's changes become one new
layer on top of its image, deletions as whiteouts and a replaced directory
as opaque; the new image shares every other blob with the old one; the
container's config and the -c changes make the new config; a running
container is paused for the diff and running again after."""
import json
import os
import time

import pytest

CHANGES = ("echo hello > /new; rm /etc/passwd; rm -rf /var/spool; "
           "rm -rf /usr/sbin && mkdir /usr/sbin && echo only > /usr/sbin/tool")


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def _blobs(stack) -> set[str]:
    return set(os.listdir(stack.root / "images" / "blobs" / "sha256"))


def test_commit_adds_one_layer_and_shares_the_rest(stack):
    stack.doca("run", "--name", "commit-src", "-e", "GREETING=hi", "-w", "/usr", "-l", "team=core",
               "busybox", "sh", "-c", CHANGES)
    before = _blobs(stack)
    try:
        r = stack.doca("commit", "-m", "my change", "-a", "Ana <ana@example.com>",
                       "-c", 'CMD ["cat", "/new"]', "-c", "EXPOSE 8080", "-c", "LABEL stage=test",
                       "commit-src", "committed:1")
        image_id = r.stdout.strip()
        assert image_id.startswith("sha256:")
        # Exactly one layer, one config and one manifest more: every busybox blob is shared.
        assert len(_blobs(stack) - before) == 3
        base, doc = _inspect(stack, "busybox"), _inspect(stack, "committed:1")
        assert doc["Id"] == image_id and doc["RepoTags"] == ["committed:1"]
        assert doc["RootFS"]["Layers"][:-1] == base["RootFS"]["Layers"]
        assert len(doc["RootFS"]["Layers"]) == len(base["RootFS"]["Layers"]) + 1
        cfg = doc["Config"]
        assert cfg["Cmd"] == ["cat", "/new"] and "GREETING=hi" in cfg["Env"]
        assert not any(e.startswith("HOSTNAME=") for e in cfg["Env"])
        assert cfg["WorkingDir"] == "/usr" and cfg["ExposedPorts"] == {"8080/tcp": {}}
        assert cfg["Labels"] == {"team": "core", "stage": "test"}
        assert doc["Author"] == "Ana <ana@example.com>" and doc["Comment"] == "my change"

        assert stack.run("committed:1") == "hello\n"
        out = stack.run("committed:1", "sh", "-c",
                        "ls /usr/sbin; test -e /etc/passwd || echo no-passwd; "
                        "test -e /var/spool || echo no-spool; test -e /etc/group && echo group")
        assert out.split() == ["tool", "no-passwd", "no-spool", "group"]

        hist = stack.doca("history", "--no-trunc", "committed:1").stdout.splitlines()
        assert hist[1].startswith(image_id) and "my change" in hist[1] and "rm /etc/passwd" in hist[1]
        assert hist[2].startswith("<missing>")
    finally:
        stack.doca("rm", "-f", "commit-src")
        stack.doca("rmi", "committed:1", check=False)
    assert _blobs(stack) == before  # rmi took back exactly what commit added


def _status(stack, ref) -> str:
    return _inspect(stack, ref)["State"]["Status"]


def test_commit_of_a_running_container_pauses_it_only_meanwhile(stack):
    stack.doca("run", "-d", "--name", "commit-live", "busybox", "sh", "-c",
               "i=0; while true; do i=$((i+1)); echo $i >> /counter; done")
    try:
        time.sleep(0.2)
        image_id = stack.doca("commit", "commit-live", "live:1").stdout.strip()
        assert _status(stack, "commit-live") == "running"
        lines = stack.run("live:1", "cat", "/counter").split()
        assert lines and lines == [str(i) for i in range(1, len(lines) + 1)]
        # Paused before: paused after. Not paused (--pause=false): works too.
        stack.doca("pause", "commit-live")
        stack.doca("commit", "commit-live", "live:2")
        assert _status(stack, "commit-live") == "paused"
        stack.doca("unpause", "commit-live")
        stack.doca("commit", "--pause=false", "commit-live", "live:3")
        assert _status(stack, "commit-live") == "running"
        assert image_id.startswith("sha256:")
    finally:
        stack.doca("rm", "-f", "commit-live")
        stack.doca("rmi", "live:1", "live:2", "live:3", check=False)


@pytest.mark.parametrize("args, message", [
    (["no-such-container", "x:1"], "No such container"),
    (["-c", "RUN echo", "commit-bad", "x:1"], "run is not a valid change command"),
    (["-c", "ENV", "commit-bad", "x:1"], "ENV requires at least one argument"),
    (["commit-bad", "Bad:Name"], "invalid reference format"),
])
def test_commit_refusals(stack, args, message):
    stack.doca("create", "--name", "commit-bad", "busybox", "true")
    try:
        before = _blobs(stack)
        r = stack.doca("commit", *args, check=False)
        assert r.returncode == 1 and message in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert _blobs(stack) == before
    finally:
        stack.doca("rm", "-f", "commit-bad")


def _layer_names(stack, diff_id: str) -> list[str]:
    """A committed layer's members (stored uncompressed: the blob is the diff id)."""
    import tarfile
    with tarfile.open(stack.root / "images" / "blobs" / "sha256" / diff_id.split(":", 1)[1]) as t:
        return sorted(m.name for m in t.getmembers())


def test_commit_leaves_the_runtimes_mount_points_out(stack):
    """/etc/hostname and /etc/resolv.conf (busybox lacks them) are the runtime's mount points,
    not changes (Docker's init layer): a container that changed nothing commits no layer at
    all, one that did commits its changes alone."""
    base = _inspect(stack, "busybox")["RootFS"]["Layers"]
    stack.doca("run", "--network", "none", "--name", "commit-same", "busybox", "true")
    stack.doca("run", "--network", "none", "--name", "commit-etc", "busybox", "touch", "/etc/new")
    try:
        stack.doca("commit", "commit-same", "commit-same:1")
        doc = _inspect(stack, "commit-same:1")
        assert doc["RootFS"]["Layers"] == base
        history = json.loads(stack.doca("history", "--format", "{{json .}}", "commit-same:1").stdout.splitlines()[0])
        assert history["Size"] == "0B" and history["CreatedBy"] == "true"
        stack.doca("commit", "commit-etc", "commit-etc:1")
        layers = _inspect(stack, "commit-etc:1")["RootFS"]["Layers"]
        assert layers[:-1] == base and _layer_names(stack, layers[-1]) == ["etc", "etc/new"]
    finally:
        stack.doca("rm", "-f", "commit-same", "commit-etc")
        stack.doca("rmi", "commit-same:1", "commit-etc:1", check=False)
