"""A container's root filesystem as one tar (docker export), computed from
its overlay directories without mounting them.

The directories are read top first (the upper dir, then the image's layers
from the newest): for each name the topmost layer that has it decides. An
overlay whiteout (0/0 character device) hides the name in every layer below;
an opaque directory hides everything below it in its own path. A directory
present in several layers is merged; anything else is taken from the top.
"""
import os
import stat
from typing import Iterator

from services.images import tarstream
from common.overlayfs import is_opaque, is_whiteout


def _visible(sources: list[str]) -> list[str]:
    """One directory's layers (top first) down to the first opaque one."""
    for i, d in enumerate(sources):
        if is_opaque(d):
            return sources[:i + 1]
    return sources


def _merged_dir(sources: list[str]) -> dict[str, tuple[int, str, os.stat_result]]:
    """name -> (index of the layer that decides it, its path, its lstat),
    whiteouts dropped; `sources` are one directory's visible layers."""
    found: dict[str, tuple[int, str, os.stat_result]] = {}
    hidden: set[str] = set()
    for i, d in enumerate(sources):
        try:
            names = os.listdir(d)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if name in found or name in hidden:
                continue
            path = d + "/" + name
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            if is_whiteout(st):
                hidden.add(name)
            else:
                found[name] = (i, path, st)
    return found


def _child_sources(sources: list[str], top: int, name: str) -> list[str]:
    """The layers that make up the directory sources[top]/name, top first:
    the same name below counts while it is a directory; a file or a
    whiteout there hides everything lower."""
    out = [sources[top] + "/" + name]
    for d in sources[top + 1:]:
        path = d + "/" + name
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        if not stat.S_ISDIR(st.st_mode):
            break
        out.append(path)
    return out


def members(layers: list[str]) -> Iterator[bytes]:
    """The merged tree of `layers` (top first) as tar chunks, end blocks included."""
    links = tarstream.HardlinkTracker()

    def walk(sources: list[str], prefix: str) -> Iterator[bytes]:
        sources = _visible(sources)
        entries = _merged_dir(sources)
        for name in sorted(entries):
            top, path, st = entries[name]
            rel = prefix + name
            if stat.S_ISDIR(st.st_mode):
                info = tarstream.info_from_stat(rel, path, st)
                yield tarstream.header(info)
                yield from walk(_child_sources(sources, top, name), rel + "/")
            else:
                yield from tarstream.entry(rel, path, st, links)

    yield from walk([d.rstrip("/") for d in layers], "")
    yield tarstream.END
