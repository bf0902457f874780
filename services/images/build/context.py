"""The build context as the client sent it: a tar, kept as one file in the
build's directory and never extracted. An index of its members makes it a
tree.Tree: COPY reads file bodies from the tar at their offsets.

Not extracting means nothing a client sends is ever created on the host
(no symlink to follow, no device, no name to sanitise beyond the index);
the layer COPY writes is unpacked by layers.py with its own checks.

Members: regular files, directories, symlinks, hardlinks (a second name for
an earlier file); anything else is skipped. Owners are not kept (COPY makes
files root's unless --chown, as Docker does). A directory the tar does not
list but a member needs is there, 0755. A later member with the same name
replaces the earlier one, as extracting the tar would.

`filtered(matcher)` is the view COPY and ADD see: .dockerignore applied.
The builder reads the Dockerfile and .dockerignore from the whole tree.
"""
import os
import posixpath
import tarfile
from typing import Iterable, Iterator

from common.errors import InvalidArgument
from common.tarlimits import BoundedTarInfo
from common.fstree import DIR, FILE, SYMLINK, Node

CHUNK = 1 << 20


def _clean(name: str) -> str:
    path = posixpath.normpath("/" + name.lstrip("/"))  # "/" in front: ".." stops at the root
    if name.startswith("/") or ".." in name.split("/"):
        raise InvalidArgument(f"the build context holds an unsafe path {name!r}: "
                              "expected paths relative to the context")
    return path.lstrip("/")


class ContextTree:
    def __init__(self, fd: int, nodes: dict[str, Node], kids: dict[str, set[str]]):
        self._fd = fd
        self.nodes = nodes     # path -> Node
        self.kids = kids       # directory path -> names

    # -- tree.Tree --------------------------------------------------------
    def root(self) -> Node:
        return self.nodes[""]

    def child(self, directory: Node, name: str) -> Node | None:
        return self.nodes.get(f"{directory.path}/{name}" if directory.path else name)

    def children(self, directory: Node) -> list[str]:
        return sorted(self.kids.get(directory.path, ()))

    def read(self, node: Node) -> Iterator[bytes]:
        offset, left = node.ref, node.size
        while left:
            data = os.pread(self._fd, min(CHUNK, left), offset)
            if not data:
                raise InvalidArgument(f"the build context is truncated: {node.path} ends early")
            offset += len(data)
            left -= len(data)
            yield data

    def xattrs(self, node: Node) -> dict[str, str]:
        return {}

    # -- the builder's own reads -------------------------------------------
    def read_file(self, path: str) -> bytes | None:
        node = self.nodes.get(_clean(path))
        if node is None or node.kind != FILE:
            return None
        return b"".join(self.read(node))

    def filtered(self, matcher) -> "ContextTree":
        """The tree without what `matcher` (a .dockerignore) excludes. A
        directory stays when it is kept or holds something kept."""
        if not matcher.rules:
            return self
        kept = {p: n for p, n in self.nodes.items() if p and not matcher.excluded(p)}
        for p in list(kept):
            parent = p.rpartition("/")[0]
            while parent and parent not in kept:
                kept[parent] = self.nodes[parent]
                parent = parent.rpartition("/")[0]
        kept[""] = self.nodes[""]
        kids: dict[str, set[str]] = {}
        for p in kept:
            if p:
                parent, _, name = p.rpartition("/")
                kids.setdefault(parent, set()).add(name)
        return ContextTree(self._fd, kept, kids)


class ContextFile:
    """The context tar in a build's directory: written as chunks arrive,
    then indexed. close() releases the file (the directory goes with the
    build)."""

    def __init__(self, directory: str):
        self.path = os.path.join(directory, "context.tar")
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        self.size = 0

    def receive(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                n = os.write(self._fd, view)
                view = view[n:]
            self.size += len(chunk)

    def tree(self) -> ContextTree:
        nodes: dict[str, Node] = {"": Node("", DIR, 0o755)}
        kids: dict[str, set[str]] = {}
        if self.size:
            with open(self._fd, "rb", closefd=False) as f:
                f.seek(0)
                try:
                    tar = tarfile.open(fileobj=f, mode="r:", tarinfo=BoundedTarInfo)  # headers bounded
                    while (m := tar.next()) is not None:
                        tar.members.clear()  # keeps memory flat on a big context
                        _add(nodes, kids, m)
                except tarfile.TarError as exc:
                    raise InvalidArgument(f"the build context is not a valid tar: {exc}") from None
        return ContextTree(self._fd, nodes, kids)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _add(nodes: dict[str, Node], kids: dict[str, set[str]], m: tarfile.TarInfo) -> None:
    path = _clean(m.name)
    if not path:
        return  # "./": the root is always there
    mode, mtime = m.mode & 0o7777, int(m.mtime)
    if m.isreg():
        node = Node(path, FILE, mode, size=m.size, mtime=mtime, ref=m.offset_data)
    elif m.isdir():
        node = Node(path, DIR, mode, mtime=mtime)
    elif m.issym():
        node = Node(path, SYMLINK, 0o777, mtime=mtime, linkname=m.linkname)
    elif m.islnk():
        target = nodes.get(_clean(m.linkname))
        if target is None or target.kind != FILE:
            raise InvalidArgument(f"the build context's hardlink {m.name!r} names {m.linkname!r}, "
                                  "which is not an earlier file of the context")
        node = Node(path, FILE, target.mode, size=target.size, mtime=target.mtime, ref=target.ref)
    else:
        return  # devices, fifos: nothing COPY would take
    parent, _, name = path.rpartition("/")
    _ensure_dir(nodes, kids, parent)
    old = nodes.get(path)
    if old is not None and old.kind == DIR and node.kind != DIR:
        _drop_below(nodes, kids, path)
    if old is not None and old.kind == DIR and node.kind == DIR:
        old.mode, old.mtime = node.mode, node.mtime  # listed after its contents: same directory
        return
    nodes[path] = node
    kids.setdefault(parent, set()).add(name)


def _ensure_dir(nodes: dict[str, Node], kids: dict[str, set[str]], path: str) -> None:
    if not path:
        return
    node = nodes.get(path)
    if node is not None:
        if node.kind != DIR:
            raise InvalidArgument(f"the build context holds {path!r} both as a file and as a directory")
        return
    parent, _, name = path.rpartition("/")
    _ensure_dir(nodes, kids, parent)
    nodes[path] = Node(path, DIR, 0o755)
    kids.setdefault(parent, set()).add(name)


def _drop_below(nodes: dict[str, Node], kids: dict[str, set[str]], path: str) -> None:
    prefix = path + "/"
    for p in [p for p in nodes if p.startswith(prefix)]:
        del nodes[p]
    for p in [p for p in kids if p == path or p.startswith(prefix)]:
        del kids[p]
