"""What COPY and ADD read from and write onto: a tree of files behind one
small interface, so one copy routine serves every case.

- the build context as received (context.ContextTree: a tar and its index);
- a stage's or an image's root filesystem, i.e. its unpacked layers seen as
  overlayfs would merge them (layerview.LayerTree).

Paths are relative and slash-separated, "" being the root. `locate` walks
a path the way the kernel would inside a chroot: symlinks are followed
(an absolute one from the tree's root), `..` stops at the root, so no path
ever leaves the tree.
"""
import dataclasses
import hashlib
from typing import Iterator, Protocol

from common.errors import InvalidArgument

MAX_SYMLINK_HOPS = 40  # as the kernel's ELOOP limit

DIR, FILE, SYMLINK, OTHER = "dir", "file", "symlink", "other"


@dataclasses.dataclass
class Node:
    path: str                  # where it is in its tree (symlinks on the way resolved)
    kind: str                  # DIR, FILE, SYMLINK or OTHER (a device, a fifo: never copied)
    mode: int = 0o755          # permission bits, setuid/setgid/sticky included
    uid: int = 0
    gid: int = 0
    size: int = 0
    mtime: int = 0
    linkname: str = ""
    ref: object = None         # the tree's own handle (a tar offset, a file path...)

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


class Tree(Protocol):
    def root(self) -> Node: ...

    def child(self, directory: Node, name: str) -> Node | None: ...

    def children(self, directory: Node) -> list[str]: ...  # sorted

    def read(self, node: Node) -> Iterator[bytes]: ...  # a file's bytes, in chunks

    def xattrs(self, node: Node) -> dict[str, str]: ...  # as PAX records (SCHILY.xattr.*)


class EmptyTree:
    """The root filesystem of `FROM scratch`."""

    def root(self) -> Node:
        return Node("", DIR)

    def child(self, directory: Node, name: str) -> Node | None:
        return None

    def children(self, directory: Node) -> list[str]:
        return []

    def read(self, node: Node) -> Iterator[bytes]:
        return iter(())

    def xattrs(self, node: Node) -> dict[str, str]:
        return {}


def split(path: str) -> list[str]:
    return [p for p in path.split("/") if p not in ("", ".")]


@dataclasses.dataclass
class Located:
    node: Node | None          # what the path names (None: it does not exist)
    parents: list[Node]        # the directories on the way, root first (root included)
    missing: list[str]         # the components from the first missing one on


def locate(tree: Tree, path: str, follow_last: bool = True) -> Located:
    """Walks `path` in `tree`. A component that is missing stops the walk
    (`missing` holds it and the rest); one that is a file where a directory
    is needed is an error."""
    parts = split(path)
    stack = [tree.root()]
    hops = 0
    while parts:
        comp = parts.pop(0)
        if comp == "..":
            if len(stack) > 1:
                stack.pop()
            continue
        node = tree.child(stack[-1], comp)
        if node is None:
            return Located(None, stack, [comp] + parts)
        if node.kind == SYMLINK and (parts or follow_last):
            hops += 1
            if hops > MAX_SYMLINK_HOPS:
                raise InvalidArgument(f"{path}: too many levels of symbolic links")
            if node.linkname.startswith("/"):
                stack = stack[:1]
            parts = split(node.linkname) + parts
            continue
        if parts and node.kind != DIR:
            raise InvalidArgument(f"{path}: {node.path} is not a directory")
        stack.append(node)
    if len(stack) == 1:
        return Located(stack[0], [], [])
    return Located(stack[-1], stack[:-1], [])


def lookup(tree: Tree, path: str, follow_last: bool = True) -> Node | None:
    try:
        return locate(tree, path, follow_last).node
    except InvalidArgument:
        return None


def walk(tree: Tree, directory: Node, prefix: str = "") -> Iterator[tuple[str, Node]]:
    """Everything below `directory`, depth first, each directory's entries by
    name; paths relative to it (with `prefix` in front). Symlinks are not
    followed."""
    for name in tree.children(directory):
        node = tree.child(directory, name)
        if node is None:
            continue
        rel = prefix + name
        yield rel, node
        if node.kind == DIR:
            yield from walk(tree, node, rel + "/")


def read_all(tree: Tree, node: Node, limit: int = 1 << 20) -> bytes:
    out = bytearray()
    for chunk in tree.read(node):
        out += chunk
        if len(out) > limit:
            break
    return bytes(out[:limit])


def digest(tree: Tree, node: Node) -> str:
    h = hashlib.sha256()
    for chunk in tree.read(node):
        h.update(chunk)
    return h.hexdigest()
