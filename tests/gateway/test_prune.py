"""doca container prune and doca system prune, as Docker's: only what no
container runs or uses goes (stopped containers and their rw layers,
user-defined networks without containers, dangling images, the build
cache; -a every unused image; --volumes unused anonymous volumes, named
ones kept as Docker 23+), filters honoured, the confirmation asked for.
Each test on a private stack: a prune would take other tests' things."""
import json
import re
import time

from tests.support import grpcurl


def _ids(stack, *args) -> set[str]:
    return set(stack.doca("ps", "-aq", "--no-trunc", *args).stdout.split())


def _networks(stack) -> list[str]:
    return sorted(json.loads(line)["Name"] for line in stack.doca("network", "ls", "--format", "json").stdout.splitlines())


def _images(stack) -> list[str]:
    return sorted(f'{d["Repository"]}:{d["Tag"]}' for d in
                  map(json.loads, stack.doca("images", "--format", "json").stdout.splitlines()))


def _snapshot(stack, cid: str):
    return stack.root / "images" / "snapshots" / cid


def _build_cache_count(s) -> int:
    """From the images service's disk-usage report (system df prints Docker's rows of it)."""
    return int(json.loads(grpcurl.call(s.socket("doca"), "doca.v1.Images/DiskUsage", {}).stdout)["build_cache_count"])


def _sections(out: str) -> dict[str, list[str]]:
    """'Deleted X:' blocks and the total of a prune's report."""
    doc, current = {}, None
    for line in out.splitlines():
        if line.endswith(":") and line.startswith("Deleted "):
            current = doc.setdefault(line[:-1], [])
        elif line.startswith("Total reclaimed space: "):
            doc["total"] = line.split(": ", 1)[1]
            current = None
        elif line and current is not None:
            current.append(line)
    return doc


def test_container_prune(make_stack):
    s = make_stack("cprune").start()
    running = s.doca("run", "-d", "--name", "pr-running", "busybox", "sleep", "120").stdout.strip()
    s.doca("run", "--name", "pr-exited", "busybox", "sh", "-c", "head -c 20000 /dev/zero > /blob")
    exited = json.loads(s.doca("inspect", "pr-exited").stdout)[0]["Id"]
    created = s.doca("create", "--name", "pr-created", "busybox", "true").stdout.strip()
    labelled = s.doca("create", "--label", "team=blue", "busybox", "true").stdout.strip()
    other_label = s.doca("create", "--label", "team=red", "busybox", "true").stdout.strip()
    everyone = {running, exited, created, labelled, other_label}
    assert _ids(s) == everyone
    assert all(_snapshot(s, c).is_dir() for c in everyone)

    # no -f: Docker's question on stdout; no answer or "n" cancels (exit 0, as Docker), a piped "y" answers
    r = s.doca("container", "prune", check=False, input="")
    assert r.returncode == 0 and not r.stderr and "Are you sure you want to continue? [y/N]" in r.stdout
    r = s.doca("container", "prune", check=False, input="n\n")
    assert r.returncode == 0 and _ids(s) == everyone
    # bad filters: one line in Docker's words, exit 1
    for bad, said in (("colour=blue", "doca: invalid filter 'colour'"),
                      ("until=someday", 'doca: failed to parse value as time or duration: "someday"')):
        r = s.doca("container", "prune", "-f", "--filter", bad, check=False)
        assert r.returncode == 1 and r.stderr.startswith(said) and r.stderr.count("\n") == 1

    r = s.doca("container", "prune", "-f", "--filter", "label=team=blue")
    assert _sections(r.stdout) == {"Deleted Containers": [labelled], "total": "0B"}
    r = s.doca("container", "prune", "-f", "--filter", "label!=team")
    assert set(_sections(r.stdout)["Deleted Containers"]) == {exited, created}
    assert _sections(r.stdout)["total"] == "20kB"  # pr-exited's rw layer
    assert _ids(s) == {running, other_label}
    assert not _snapshot(s, exited).exists() and not _snapshot(s, created).exists()

    # until: only what was created before the time
    time.sleep(0.2)
    cut = time.time()
    time.sleep(0.2)
    newer = s.doca("create", "busybox", "true").stdout.strip()
    r = s.doca("container", "prune", "--filter", f"until={cut:.3f}", input="y\n")
    # (the question ends without a newline: the report follows it on its line, as Docker's)
    assert _sections(r.stdout.split("[y/N] ", 1)[-1])["Deleted Containers"] == [other_label]
    r = s.doca("container", "prune", "-f", "--filter", "until=1h")  # nothing is an hour old
    assert r.stdout == "Total reclaimed space: 0B\n"

    # everything stopped; the running one stays, with its rw layer
    r = s.doca("container", "prune", "-f")
    assert r.stdout == f"Deleted Containers:\n{newer}\n\nTotal reclaimed space: 0B\n"
    assert _ids(s) == {running} and _snapshot(s, running).is_dir() and not _snapshot(s, newer).exists()
    assert s.doca("exec", running, "echo", "alive").stdout == "alive\n"
    assert s.doca("container", "prune", "-f").stdout == "Total reclaimed space: 0B\n"

    # the same through the API
    stopped = s.doca("create", "busybox", "true").stdout.strip()
    doc = json.loads(grpcurl.call(s.socket("doca"), "doca.v1.Containers/Prune", {}).stdout)
    assert doc["deleted"] == [stopped]
    s.doca("rm", "-f", running)


def test_system_prune(make_stack, tmp_path):
    s = make_stack("sprune").start()
    # networks: one unused, one a running container uses, one only a stopped container used
    s.doca("network", "create", "pr-unused")
    s.doca("network", "create", "pr-used")
    s.doca("network", "create", "pr-stopped-net")
    # images: a dangling one, a tagged unused one, one a running container uses
    s.doca("run", "--name", "pr-writer", "busybox", "sh", "-c", "echo one > /f")
    dangling = s.doca("commit", "pr-writer").stdout.strip()
    s.doca("run", "--name", "pr-writer2", "busybox", "sh", "-c", "echo two > /f")
    s.doca("commit", "pr-writer2", "pr-unused:1")
    s.doca("run", "--name", "pr-writer3", "busybox", "sh", "-c", "echo three > /f")
    s.doca("commit", "pr-writer3", "pr-inuse:1")
    s.doca("rm", "pr-writer", "pr-writer2", "pr-writer3")
    # the build cache
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN echo built > /b\n")
    s.doca("build", "-q", "-t", "pr-built:1", str(tmp_path))
    s.doca("rmi", "pr-built:1")
    assert _build_cache_count(s) > 0
    # volumes: named, anonymous unused, anonymous in use
    s.doca("volume", "create", "pr-named")
    anon_unused = s.doca("volume", "create").stdout.strip()
    anon_used = s.doca("volume", "create").stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{64}", anon_unused)
    # containers
    keep = s.doca("run", "-d", "--network", "pr-used", "-v", f"{anon_used}:/data", "pr-inuse:1",
                  "sleep", "120").stdout.strip()
    gone = s.doca("create", "--network", "pr-stopped-net", "-v", "pr-named:/n", "busybox", "true").stdout.strip()
    images_before = set(s.doca("images", "-q", "--no-trunc").stdout.split())

    r = s.doca("system", "prune", check=False, input="")  # asks first
    assert r.returncode == 0 and _ids(s) == {keep, gone}
    r = s.doca("system", "prune", "-f")
    doc = _sections(r.stdout)
    assert doc["Deleted Containers"] == [gone]
    assert sorted(doc["Deleted Networks"]) == ["pr-stopped-net", "pr-unused"]
    assert f"deleted: {dangling}" in doc["Deleted Images"] and not [x for x in doc["Deleted Images"] if "untagged" in x]
    assert doc["Deleted build cache objects"] and "Deleted Volumes" not in doc and "total" in doc
    assert _ids(s) == {keep}
    assert _networks(s) == ["bridge", "host", "none", "pr-used"]  # host, none: Docker lists them too
    images = set(s.doca("images", "-q", "--no-trunc").stdout.split())
    assert images == images_before - {dangling}
    assert _images(s) == ["busybox:latest", "pr-inuse:1", "pr-unused:1"]
    assert _build_cache_count(s) == 0
    assert set(s.doca("volume", "ls", "-q").stdout.split()) == {"pr-named", anon_unused, anon_used}

    # -a --volumes: every image no container uses, the unused anonymous volumes
    r = s.doca("system", "prune", "-a", "--volumes", "-f")
    doc = _sections(r.stdout)
    assert "Deleted Containers" not in doc and "Deleted Networks" not in doc
    assert doc["Deleted Volumes"] == [anon_unused]
    assert "untagged: pr-unused:1" in doc["Deleted Images"]
    assert "untagged: busybox:latest" in doc["Deleted Images"]  # only pr-inuse:1 is in use
    assert _images(s) == ["pr-inuse:1"]
    assert set(s.doca("volume", "ls", "-q").stdout.split()) == {"pr-named", anon_used}
    assert s.doca("exec", keep, "cat", "/f").stdout == "three\n"  # untouched, still running
    assert _networks(s) == ["bridge", "host", "none", "pr-used"]  # host, none: Docker lists them too

    # nothing left to prune once the container is gone... but what it used
    s.doca("rm", "-f", keep)
    r = s.doca("system", "prune", "-a", "--volumes", "-f")
    doc = _sections(r.stdout)
    assert doc["Deleted Networks"] == ["pr-used"] and doc["Deleted Volumes"] == [anon_used]
    assert "untagged: pr-inuse:1" in doc["Deleted Images"]
    assert s.doca("volume", "ls", "-q").stdout.split() == ["pr-named"]  # named: never by prune
    s.doca("volume", "rm", "pr-named")


def test_system_prune_with_a_filter_keeps_what_does_not_match(make_stack):
    s = make_stack("fprune").start()
    old = s.doca("create", "--label", "tier=tmp", "busybox", "true").stdout.strip()
    other = s.doca("create", "busybox", "true").stdout.strip()
    r = s.doca("system", "prune", "-f", "--filter", "label=tier=tmp")
    assert _sections(r.stdout)["Deleted Containers"] == [old]
    assert _ids(s) == {other}
    assert _images(s) == ["busybox:latest"]
    s.doca("rm", other)
