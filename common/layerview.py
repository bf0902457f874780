"""A stack of unpacked layers seen as one root filesystem, the way overlayfs
merges them, without mounting anything: what COPY --from reads, and what
COPY looks at to place its files (does the destination exist, is a parent
a symlink, who is user "app" in /etc/passwd).

Overlay's rules, top layer first:
- a 0/0 character device (a whiteout) hides the name in every lower layer;
- a directory merges with the directories of the same name below it, down
  to the first layer where that name is something else, or down to and
  including a directory marked opaque (trusted.overlay.opaque=y);
- anything else hides whatever is below it.
"""
import os
import stat
from typing import Iterator

from common.beneath import open_beneath
from common.fstree import DIR, FILE, OTHER, SYMLINK, Node
from common.overlayfs import is_opaque, is_whiteout

CHUNK = 1 << 20


def _node(path: str, disk: str, st: os.stat_result, ref) -> Node:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        kind = DIR
    elif stat.S_ISREG(mode):
        kind = FILE
    elif stat.S_ISLNK(mode):
        kind = SYMLINK
    else:
        kind = OTHER
    return Node(path, kind, stat.S_IMODE(mode), st.st_uid, st.st_gid,
                st.st_size if kind == FILE else 0, int(st.st_mtime),
                os.readlink(disk) if kind == SYMLINK else "", ref)


class LayerTree:
    def __init__(self, dirs: list[str], xattrs=None):
        """`dirs`: the layers' directories, TOP layer first (overlay's order).
        xattrs(path) -> {PAX record: value}: a file's extended attributes,
        for those that copy them (the builder); none by default."""
        self.dirs = [str(d) for d in dirs]
        self._xattrs = xattrs

    def root(self) -> Node:
        return Node("", DIR, 0o755, ref=tuple(self.dirs))

    def child(self, directory: Node, name: str) -> Node | None:
        path = f"{directory.path}/{name}" if directory.path else name
        layers = directory.ref  # the layer directories that make up `directory`
        for i, layer in enumerate(layers):
            disk = f"{layer}/{path}"
            try:
                st = os.lstat(disk)
            except (FileNotFoundError, NotADirectoryError):
                continue
            if is_whiteout(st):
                return None
            if not stat.S_ISDIR(st.st_mode):
                return _node(path, disk, st, disk)
            merged = [layer]
            if not is_opaque(disk):
                for lower in layers[i + 1:]:
                    try:
                        below = os.lstat(f"{lower}/{path}")
                    except (FileNotFoundError, NotADirectoryError):
                        continue
                    if not stat.S_ISDIR(below.st_mode):
                        break  # a whiteout or a file: what is under it is hidden
                    merged.append(lower)
                    if is_opaque(f"{lower}/{path}"):
                        break
            return _node(path, disk, st, tuple(merged))
        return None

    def children(self, directory: Node) -> list[str]:
        seen: dict[str, bool] = {}  # name -> visible (False: whited out above)
        for layer in directory.ref:
            disk = f"{layer}/{directory.path}" if directory.path else layer
            try:
                entries = os.scandir(disk)
            except (FileNotFoundError, NotADirectoryError):
                continue
            with entries:
                for e in entries:
                    if e.name in seen:
                        continue
                    try:
                        seen[e.name] = not is_whiteout(e.stat(follow_symlinks=False))
                    except FileNotFoundError:
                        continue
        return sorted(n for n, visible in seen.items() if visible)

    def read(self, node: Node) -> Iterator[bytes]:
        # Beneath its own layer, symlinks refused: a layer that a running
        # container writes (its upper dir) may have changed since lstat.
        layer = node.ref[:-len(node.path) - 1]
        with os.fdopen(open_beneath(layer, node.path), "rb", buffering=0) as f:
            while data := f.read(CHUNK):
                yield data

    def disk(self, node: Node) -> str:
        """Where the node's own metadata is on disk (a directory's: its top layer)."""
        return node.ref if isinstance(node.ref, str) else f"{node.ref[0]}/{node.path}"

    def xattrs(self, node: Node) -> dict[str, str]:
        return self._xattrs(self.disk(node)) if self._xattrs else {}
