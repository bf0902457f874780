"""COPY and ADD: which files go where. The result is the list of entries of
the layer the step makes, in order; entries.write_layer turns it into a tar
and entries.fingerprint into the step's cache key, so what is cached is
exactly what would be written.

Docker's rules:
- Sources are paths in the source tree (the context, a stage, an image);
  `..` may not leave the context. A source with `*`, `?` or `[` is a
  filepath.Match pattern matched component by component; one that matches
  nothing is an error, as is a plain source that does not exist (or that
  .dockerignore excluded). A symlink named as a source is followed.
- A directory source copies its contents, not itself.
- The destination is relative to WORKDIR. It is a directory when it ends
  with "/" (or is "."), when several sources are copied (then the "/" is
  required), when the one source is a directory or a local archive ADD
  extracts, or when it already is a directory in the image; otherwise it is
  the path of the one file copied.
- The destination's parents are resolved in the image being built, through
  its symlinks (COPY x /bin/ on an image where /bin -> usr/bin writes
  usr/bin/x). Directories that exist go into the layer with their metadata
  as they are; new ones are 0755, owned as --chown says (root otherwise).
- Copied files keep their mode (or take --chmod) and mtime; they are
  root's unless --chown. Inline files (heredocs) are 0644.
"""
import dataclasses
import posixpath

from common.errors import InvalidArgument, NotFound
from services.images.build import archives
from common import fstree as trees
from services.images.build.entries import ARCHIVE, Entry
from common.buildcontext import gomatch
from services.images.dockerfile.files import is_remote

_META = set("*?[\\")


@dataclasses.dataclass
class Request:
    keyword: str                         # COPY or ADD
    sources: tuple[str, ...]
    dest: str
    workdir: str = "/"
    heredocs: tuple = ()
    owner: tuple[int, int] | None = None  # --chown, resolved
    chmod: int | None = None
    excludes: tuple[str, ...] = ()
    from_context: bool = True            # sources are the context's (not a stage's)
    where: str = "build context"         # for errors: "build context", "stage build"...


def parse_chmod(text: str | None) -> int | None:
    if text is None:
        return None
    if not text or any(c not in "01234567" for c in text) or len(text) > 4:
        raise InvalidArgument(f"--chmod={text}: expected an octal mode such as 755 or 0644")
    return int(text, 8)


def _source_path(req: Request, source: str) -> str:
    if req.keyword == "ADD" and is_remote(source):
        raise InvalidArgument(f"ADD {source}: remote sources (URLs, git repositories) are not "
                              "supported by doca yet: download the file into the context and ADD that")
    if req.from_context:
        clean = posixpath.normpath(source)
        if clean == ".." or clean.startswith("../"):
            raise InvalidArgument(f"{req.keyword} {source}: forbidden path outside the build context")
        return clean.lstrip("/")
    return posixpath.normpath("/" + source).lstrip("/")


def _glob(tree, pattern: str) -> list[tuple[str, trees.Node]]:
    """(name, node) of each match of a filepath.Match pattern, component by
    component; symlinks among the matches are followed."""
    found = [("", tree.root())]
    for comp in gomatch.split_components(pattern):
        if comp in ("", "."):
            continue
        step = []
        for _, directory in found:
            if directory.kind != trees.DIR:
                continue
            if _META.isdisjoint(comp):
                names = [comp] if tree.child(directory, comp) is not None else []
            else:
                try:
                    names = [n for n in tree.children(directory) if gomatch.match(comp, n)]
                except gomatch.BadPattern as e:
                    raise InvalidArgument(f"bad pattern {pattern!r}: {e}") from None
            for name in names:
                node = tree.child(directory, name)
                if node is not None and node.kind == trees.SYMLINK:
                    node = trees.lookup(tree, node.path)
                if node is not None:
                    step.append((name, node))
        found = step
    return found


def _matches(req: Request, tree) -> list[tuple[str, trees.Node]]:
    out = []
    for source in req.sources:
        path = _source_path(req, source)
        if not _META.isdisjoint(path):
            hits = _glob(tree, path)
            if not hits:
                raise NotFound(f"{req.keyword} failed: no source files were specified: "
                               f"{source!r} matches nothing in the {req.where}")
            out += hits
            continue
        node = trees.lookup(tree, path)
        if node is None:
            if req.from_context:
                raise NotFound(f"{req.keyword} failed: file not found in build context or excluded by "
                               f".dockerignore: stat {source}: file does not exist")
            raise NotFound(f"{req.keyword} failed: {source} not found in the {req.where}")
        out.append((posixpath.basename(path) or node.name, node))
    return out


def _excluded(req: Request, rel: str) -> bool:
    for pattern in req.excludes:
        try:
            if gomatch.compile_pattern(pattern.strip("/"), double_star=True).fullmatch(rel):
                return True
        except gomatch.BadPattern as e:
            raise InvalidArgument(f"--exclude={pattern}: {e}") from None
    return False


class _Layer:
    """The entries being collected, each path once."""

    def __init__(self, req: Request, now: int):
        self.req, self.now = req, now
        self.entries: list[Entry] = []
        self.dirs: set[str] = set()

    def owner(self) -> tuple[int, int]:
        return self.req.owner or (0, 0)

    def existing_dir(self, node: trees.Node, tree) -> None:
        if node.path and node.path not in self.dirs:
            self.dirs.add(node.path)
            self.entries.append(Entry(node.path, trees.DIR, node.mode, node.uid, node.gid, node.mtime,
                                      xattrs=tree.xattrs(node)))

    def new_dir(self, path: str) -> None:
        if path not in self.dirs:
            self.dirs.add(path)
            uid, gid = self.owner()
            self.entries.append(Entry(path, trees.DIR, 0o755, uid, gid, self.now))

    def copy(self, name: str, node: trees.Node, tree) -> None:
        uid, gid = self.owner()
        mode = self.req.chmod if self.req.chmod is not None else node.mode
        if node.kind == trees.DIR:
            if name not in self.dirs:
                self.dirs.add(name)
                self.entries.append(Entry(name, trees.DIR, mode, uid, gid, node.mtime, xattrs=tree.xattrs(node)))
        elif node.kind == trees.FILE:
            self.entries.append(Entry(name, trees.FILE, mode, uid, gid, node.mtime, size=node.size,
                                      xattrs=tree.xattrs(node), tree=tree, node=node))
        elif node.kind == trees.SYMLINK:
            self.entries.append(Entry(name, trees.SYMLINK, 0o777, uid, gid, node.mtime, linkname=node.linkname))
        # anything else (a device, a fifo) is not copied

    def contents(self, directory: trees.Node, tree, dest: str) -> None:
        skipped = None  # an excluded directory: what is below it goes too
        for rel, node in trees.walk(tree, directory):
            if skipped is not None and rel.startswith(skipped):
                continue
            if self.req.excludes and _excluded(self.req, rel):
                skipped = rel + "/"
                continue
            self.copy(f"{dest}/{rel}" if dest else rel, node, tree)


def _place(layer: _Layer, dest_tree, path: str) -> str:
    """Puts the directory `path` and those leading to it into the layer;
    returns `path` as resolved in the image (its symlinks followed)."""
    found = trees.locate(dest_tree, path)
    for parent in found.parents:
        layer.existing_dir(parent, dest_tree)
    if found.node is not None:
        if found.node.kind != trees.DIR:
            raise InvalidArgument(f"cannot copy to /{path}: it exists in the image and is not a directory")
        layer.existing_dir(found.node, dest_tree)
        return found.node.path
    resolved = found.parents[-1].path if found.parents else ""
    for comp in found.missing:
        resolved = f"{resolved}/{comp}" if resolved else comp
        layer.new_dir(resolved)
    return resolved


def plan(req: Request, source_tree, dest_tree, now: int) -> list[Entry]:
    """The entries of the layer a COPY or ADD makes."""
    matches = _matches(req, source_tree)
    count = len(matches) + len(req.heredocs)
    if count == 0:
        raise InvalidArgument(f"{req.keyword} failed: no source files were specified")
    dest_text = req.dest
    dir_hint = dest_text.endswith("/") or posixpath.basename(dest_text) in (".", "..") or dest_text == "."
    if count > 1 and not dir_hint:
        raise InvalidArgument(f"When using {req.keyword} with more than one source file, the destination "
                              f"must be a directory and end with a /: {dest_text}")
    dest = posixpath.normpath(posixpath.join(req.workdir or "/", dest_text)).lstrip("/")
    single = matches[0][1] if matches else None
    extract = [req.keyword == "ADD" and n.kind == trees.FILE and archives.is_archive(source_tree, n)
               for _, n in matches]
    want_dir = (dir_hint or count > 1 or any(extract) or (single is not None and single.kind == trees.DIR)
                or _is_dir(dest_tree, dest))
    layer = _Layer(req, now)
    if want_dir:
        target = _place(layer, dest_tree, dest)
    else:
        parent = _place(layer, dest_tree, posixpath.dirname(dest))
        target = f"{parent}/{posixpath.basename(dest)}" if parent else posixpath.basename(dest)

    def at(name: str) -> str:
        if not want_dir:
            return target
        return f"{target}/{name}" if target else name

    for (name, node), is_tar in zip(matches, extract):
        if is_tar:
            layer.entries.append(Entry(target, ARCHIVE, 0, *(req.owner or (-1, -1)), 0, size=node.size,
                                       tree=source_tree, node=node))
        elif node.kind == trees.DIR:
            layer.contents(node, source_tree, target)
        else:
            layer.copy(at(name), node, source_tree)
    for doc in req.heredocs:
        uid, gid = layer.owner()
        data = doc.content.encode()
        mode = req.chmod if req.chmod is not None else 0o644
        layer.entries.append(Entry(at(doc.name), trees.FILE, mode, uid, gid, now, size=len(data), data=data))
    return layer.entries


def _is_dir(tree, path: str) -> bool:
    node = trees.lookup(tree, path)
    return node is not None and node.kind == trees.DIR
