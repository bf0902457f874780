"""The files of a build context that the builder sees, and the two files the
builder needs whatever .dockerignore says.

`context_files(root, matcher)` walks `root` (without following symlinks) and
lists, relative and slash-separated, what survives the matcher: this is what
`COPY . /dst` copies. Excluded directories are not entered unless an
exception may keep something below them (IgnoreMatcher.must_walk); such a
directory is not listed itself, only what is kept inside it.

The Dockerfile and .dockerignore: the builder always reads both (the
Dockerfile to parse, .dockerignore to build the matcher) straight from the
context directory or the `-f` path, never through the matcher, so excluding
them never breaks a build. COPY/ADD still obey .dockerignore for them:
`COPY . /` leaves out an excluded Dockerfile, as Docker does. When a context
is SENT somewhere (a remote builder, a tar stream), use
`transfer_matcher(matcher, dockerfile)`: the same rules plus exceptions for
these two files, so the receiver can read them; the receiver applies the
original matcher for COPY/ADD. This is what Docker's CLI does when it sends a
context (it appends `!.dockerignore` and `!<Dockerfile>` when they are
excluded) and what its daemon undoes before the build.
"""
import os
import posixpath

from common.buildcontext.dockerignore import IgnoreMatcher

DOCKERIGNORE = ".dockerignore"


def transfer_matcher(matcher: IgnoreMatcher, dockerfile: str = "Dockerfile") -> IgnoreMatcher:
    """`matcher` that keeps .dockerignore and `dockerfile` (a path relative to
    the context root; one outside the context is not the context's to keep)."""
    keep = [DOCKERIGNORE]
    name = posixpath.normpath(dockerfile.replace(os.sep, "/"))
    if not name.startswith("../") and name != ".." and not posixpath.isabs(name):
        keep.append(name)
    return matcher.keeping(*keep)


def context_files(root: str | os.PathLike, matcher: IgnoreMatcher | None = None,
                  directories: bool = False) -> list[str]:
    """Included paths under `root`, in walk order (each directory's entries
    by name): every non-directory (files, symlinks, devices...), and with
    `directories` the included directories too (so empty ones can be
    recreated)."""
    matcher = matcher or IgnoreMatcher()
    out: list[str] = []
    none = (False,) * len(matcher.rules)

    def walk(directory: str, rel: str, parent: tuple[bool, ...]) -> None:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            matched = matcher.matches(path, parent)
            excluded = matcher.decide(matched)
            if entry.is_dir(follow_symlinks=False):
                if directories and not excluded:
                    out.append(path)
                if matcher.must_walk(path, excluded):
                    walk(entry.path, path, matched)
            elif not excluded:
                out.append(path)

    walk(os.fspath(root), "", none)
    return out


def read_dockerignore(root: str | os.PathLike) -> IgnoreMatcher:
    """The matcher of `root`/.dockerignore (no rules when there is none)."""
    path = os.path.join(os.fspath(root), DOCKERIGNORE)
    try:
        with open(path, "rb") as f:
            return IgnoreMatcher.parse(f.read(), DOCKERIGNORE)
    except FileNotFoundError:
        return IgnoreMatcher()

