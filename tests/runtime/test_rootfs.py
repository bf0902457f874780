"""Each container writes only to its own upper dir over shared image layers."""
import json
import os
import pathlib


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def test_write_stays_in_the_container(stack):
    stack.doca("run", "--name", "writer", "busybox", "sh", "-c", "echo secret > /etc/written-here")
    try:
        upper = pathlib.Path(_inspect(stack, "writer")["GraphDriver"]["Data"]["UpperDir"])
        assert (upper / "etc" / "written-here").read_text() == "secret\n"
        other = stack.doca("run", "--rm", "busybox", "cat", "/etc/written-here", check=False)
        assert other.returncode != 0 and "No such file" in other.stderr
        lowers = _inspect(stack, "writer")["GraphDriver"]["Data"]["LowerDir"].split(":")
        assert not any((pathlib.Path(d) / "etc" / "written-here").exists() for d in lowers)
    finally:
        stack.doca("rm", "writer")
    assert not upper.exists()  # the read-write layer goes with the container


def test_three_containers_share_one_unpacked_layer(stack):
    ids = [stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip() for _ in range(3)]
    try:
        lowers = {_inspect(stack, i)["GraphDriver"]["Data"]["LowerDir"] for i in ids}
        uppers = {_inspect(stack, i)["GraphDriver"]["Data"]["UpperDir"] for i in ids}
        assert len(lowers) == 1 and len(uppers) == 3
        # busybox's binary exists once on disk as an unpacked file, whatever the container count.
        found = [p for p in stack.root.rglob("busybox") if p.is_file() and not p.is_symlink()]
        inodes = {os.stat(p).st_ino for p in found}
        assert len(inodes) == 1, found
        lower = pathlib.Path(lowers.pop())
        assert (lower / "bin" / "busybox").is_file()
    finally:
        stack.doca("rm", "-f", *ids)


def test_image_unchanged_by_containers(stack):
    stack.run("busybox", "rm", "-f", "/bin/ls")
    assert stack.run("busybox", "ls", "/bin/ls").strip() == "/bin/ls"
