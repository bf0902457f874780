"""tag, history, image prune and system df through the CLI, on a private
stack (prune -a would take the shared stack's busybox away)."""
import json

import pytest

from tests.support import grpcurl


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    from tests.support.stack import Stack
    s = Stack(tmp_path_factory.mktemp("prune"), "prune").start()
    yield s
    s.destroy()


def _df(stack) -> dict:
    """The images service's whole disk-usage report (system df shows Docker's rows of it)."""
    return json.loads(grpcurl.call(stack.socket("doca"), "doca.v1.Images/DiskUsage", {}).stdout)


def _n(doc: dict, key: str) -> int:
    """A number of the JSON report (int64 comes as a string; zero is left out)."""
    return int(doc.get(key, 0))


def _ids(stack) -> list[str]:
    return stack.doca("images", "-q", "--no-trunc").stdout.split()


def test_tag_and_untag(own):
    own.doca("tag", "busybox", "localhost:5000/mirror/bb:v1")
    own.doca("image", "tag", "busybox:latest", "bb2")
    out = own.doca("images").stdout
    assert "localhost:5000/mirror/bb" in out and "bb2" in out
    rows = [json.loads(line) for line in own.doca("image", "ls", "--format", "json").stdout.splitlines()]
    assert {(r["Repository"], r["Tag"]) for r in rows} == {
        ("busybox", "latest"), ("localhost:5000/mirror/bb", "v1"), ("bb2", "latest")}
    assert len({r["ID"] for r in rows}) == 1
    assert own.doca("rmi", "bb2").stdout == "Untagged: bb2:latest\n"  # other tags remain: untag only
    assert own.doca("rmi", "localhost:5000/mirror/bb:v1").stdout.startswith("Untagged:")
    r = own.doca("tag", "busybox", "Bad:Name", check=False)
    assert r.returncode == 1 and "invalid reference format" in r.stderr
    r = own.doca("tag", "nope", "x", check=False)
    assert r.returncode == 1 and "No such image: nope:latest" in r.stderr


def test_df_shares_layers_and_prune_removes_what_is_unused(own):
    own.doca("run", "--name", "writer", "busybox", "sh", "-c", "head -c 5000 /dev/zero > /blob")
    own.doca("run", "--name", "writer2", "busybox", "sh", "-c", "head -c 3000 /dev/zero > /blob")
    own.doca("commit", "writer", "kept:1")
    dangling = own.doca("commit", "writer2").stdout.strip()  # no name: a dangling image
    own.doca("rm", "writer2")
    df = _df(own)
    by_id = {i["id"]: i for i in df["images"]}
    kept = next(i for i in df["images"] if i.get("repo_tags") == ["kept:1"])
    busybox = next(i for i in df["images"] if i.get("repo_tags") == ["busybox:latest"])
    base = _n(busybox, "size")
    # Each commit has a layer of its own; busybox's layer is shared by all three.
    assert _n(kept, "size") == base + 5000 and _n(kept, "shared_size") == base
    assert _n(kept, "unique_size") == 5000 and _n(by_id[dangling], "unique_size") == 3000
    assert _n(busybox, "unique_size") == 0 and _n(busybox, "containers") == 1
    assert _n(df, "layers_size") == base + 5000 + 3000  # each layer once
    assert _n(df, "images_reclaimable") == 5000 + 3000  # busybox is used by a container
    writer = next(c for c in df["containers"] if c["name"] == "writer")
    assert _n(writer, "size") == 5000
    assert "Images" in own.doca("system", "df").stdout
    assert "SHARED SIZE" in own.doca("system", "df", "-v").stdout

    r = own.doca("image", "prune", "-f")
    assert r.stdout.splitlines()[:2] == ["Deleted Images:", f"deleted: {dangling}"]
    assert r.stdout.endswith("Total reclaimed space: 3kB\n")
    assert set(_ids(own)) == {busybox["id"], kept["id"]}

    # -a: every image no container uses; busybox stays for "writer".
    r = own.doca("image", "prune", "-a", "-f")
    assert "untagged: kept:1" in r.stdout and r.stdout.endswith("Total reclaimed space: 5kB\n")
    assert _ids(own) == [busybox["id"]]
    own.doca("rm", "writer")
    r = own.doca("image", "prune", "-a", "-f")
    assert "untagged: busybox:latest" in r.stdout and _ids(own) == []
    assert _n(_df(own), "layers_size") == 0
    assert not list((own.root / "images" / "layers").iterdir())


def test_prune_asks_first(own):
    r = own.doca("image", "prune", input="n\n")
    assert "Are you sure you want to continue? [y/N]" in r.stdout and "reclaimed" not in r.stdout


def test_history_of_a_committed_image(own, tmp_path):
    tar = tmp_path / "r.tar"
    import tarfile
    with tarfile.open(tar, "w") as t:
        t.add("/bin/busybox", arcname="bin/busybox")
    own.doca("import", "-m", "first", str(tar), "hist:1")
    own.doca("create", "--name", "hist-src", "hist:1", "/bin/busybox", "true")
    try:
        own.doca("commit", "-m", "second", "hist-src", "hist:2")
        lines = own.doca("history", "hist:2").stdout.splitlines()
        assert lines[0].split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"]
        assert "second" in lines[1] and lines[1].split()[0] != "<missing>"
        assert lines[2].startswith("<missing>") and "doca import" in lines[2] and "first" in lines[2]
        assert len(own.doca("history", "-q", "hist:2").stdout.split()) == 2
        raw = [json.loads(x) for x in own.doca("history", "--format", "json", "-H=false", "hist:2").stdout.splitlines()]
        assert raw[0]["Size"] == "0" and int(raw[1]["Size"]) > 1_000_000
    finally:
        own.doca("rm", "-f", "hist-src")
        own.doca("rmi", "hist:1", "hist:2", check=False)
