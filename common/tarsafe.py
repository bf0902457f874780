"""Extracting a tar into a directory without letting it write anywhere
else: both ends of `docker cp` use this (the CLI on the host, the runtime's
copy helper inside a container's root). Standard library only.

As Docker's archive.Untar: names are cleaned and may not leave the
destination (nor may hard links, nor writes through a symlink that points
out of it), an existing directory is merged with a directory of the tar but
never replaced by a non-directory (or the other way round), any other
existing entry is removed first (a file is never written through a symlink
or into a device node), "." (the destination itself) is left as it is, and
a relative symlink may not point above the destination. Renamed (docker cp
to a new name), every entry must be under the tar's top entry.

A full disk leaves no file cut short: the entry being written when it
struck is removed, and the error (still an OSError) names it."""
import copy
import os
import tarfile

from common.errors import is_no_space, name_no_space
from common.inflate import Inflated
from common.tarlimits import BoundedTarInfo

# Extraction filters (PEP 706) came with Python 3.11.4; Debian's 3.11.2,
# which the venv prefers (Makefile), has none: the filter is applied here.
_HAS_FILTERS = hasattr(tarfile, "data_filter")


class Refused(getattr(tarfile, "FilterError", tarfile.TarError)):
    def __init__(self, message: str):
        tarfile.TarError.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _clean(name: str) -> str:
    return os.path.normpath("./" + name.lstrip("/"))


def _renamed(name: str, rename: tuple[str, str] | None) -> str:
    """rename=(OLD, NEW): OLD, the tar's top entry, and all under it land
    as NEW; OLD "." (a directory's contents: DIR/. or a container's root)
    puts every entry under NEW. An entry that is not under OLD would land
    beside NEW, where the user never pointed: refused."""
    if rename is None:
        return name
    old, new = rename
    if old == ".":
        return _clean(new + "/" + name)
    if name == old or name.startswith(old + "/"):
        return _clean(new + name[len(old):])
    raise Refused(f"refusing {name!r}: it is not under {old!r}, what was copied")


def extraction_filter(dest: str, rename: tuple[str, str] | None = None, owner=None):
    """A tarfile extraction filter for `dest`. rename=(OLD, NEW): the tar's
    top-level entry OLD lands as NEW (docker cp to a new name). owner(uid,
    gid) -> (uid, gid): the owners to give each entry (default: the tar's)."""
    root = os.path.realpath(dest)
    if rename is not None and (rename[1] in ("", "..") or "/" in rename[1]):
        raise Refused(f"refusing to extract as {rename[1]!r}: not a name in {dest!r}")

    def check(member: tarfile.TarInfo, _path: str):
        name = _renamed(_clean(member.name), rename)
        if name == ".":
            return None
        if name == ".." or name.startswith("../"):
            raise Refused(f"refusing {member.name!r}: a path outside the destination")
        target = os.path.join(root, name)
        if not _inside(root, os.path.realpath(os.path.dirname(target))):
            raise Refused(f"refusing {member.name!r}: it would be written through a symbolic link out of the destination")
        changes = {"name": name}
        if member.islnk():
            link = _renamed(_clean(member.linkname), rename)
            if link == ".." or link.startswith("../") or not _inside(root, os.path.realpath(os.path.join(root, link))):
                raise Refused(f"refusing the hard link {member.name!r}: its target is outside the destination")
            changes["linkname"] = link
        elif member.issym() and not member.linkname.startswith("/") and not _inside(
                root, os.path.normpath(os.path.join(os.path.dirname(target), member.linkname))):
            # Docker's rule: a relative symlink may not point above where it
            # is extracted (an absolute one is left as it is)
            raise Refused(f'invalid symlink "{target}" -> "{member.linkname}"')
        if os.path.lexists(target):
            is_dir = os.path.isdir(target) and not os.path.islink(target)
            if is_dir and not member.isdir():
                raise Refused(f"cannot overwrite directory {name!r} with non-directory")
            if not is_dir and member.isdir():
                raise Refused(f"cannot overwrite non-directory {name!r} with directory")
            if not is_dir:
                os.unlink(target)
        if owner is not None:
            changes["uid"], changes["gid"] = owner(member.uid, member.gid)
        return _replace(member, changes)
    return check


def _replace(member: tarfile.TarInfo, changes: dict) -> tarfile.TarInfo:
    if _HAS_FILTERS:
        return member.replace(**changes, deep=False)
    new = copy.copy(member)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def _extract_each(tf: tarfile.TarFile, dest: str, check, done=lambda: None) -> None:
    """extractall(filter=check) where tarfile has no filters: each member
    as the filter leaves it, directories' times and modes set last (their
    entries would change them). done() after each member is written."""
    directories = []
    for member in tf:
        member = check(member, dest)
        if member is None:
            continue
        if member.isdir():
            directories.append(member)
        tf.extract(member, dest, set_attrs=not member.isdir(), numeric_owner=True)
        done()
    for member in sorted(directories, key=lambda m: m.name, reverse=True):
        path = os.path.join(dest, member.name)
        try:
            tf.chown(member, path, True)
            tf.utime(member, path)
            tf.chmod(member, path)
        except tarfile.ExtractError:  # as extractall: reported only above errorlevel 1
            if tf.errorlevel > 1:
                raise


def extract(fileobj, dest: str, rename: tuple[str, str] | None = None, owner=None) -> None:
    """Extracts a tar stream (read sequentially) into the directory `dest`."""
    check = extraction_filter(dest, rename, owner)
    writing: list[tarfile.TarInfo] = []  # the entry being written, once the filter let it through

    def tracked(member: tarfile.TarInfo, path: str):
        member = check(member, path)
        writing[:] = [member] if member is not None else []
        return member
    try:
        # Inflated in bounded pieces, headers bounded: a bomb costs disk, never
        # memory (tarfile's "r|*" inflates each block it reads without a bound).
        with tarfile.open(fileobj=Inflated(fileobj), mode="r|", tarinfo=BoundedTarInfo) as tf:
            if _HAS_FILTERS:
                tf.extractall(dest, numeric_owner=True, filter=tracked)
            else:
                _extract_each(tf, dest, tracked, done=writing.clear)
    except OSError as e:
        if not is_no_space(e) or not writing:
            raise
        target = os.path.join(dest, writing[0].name)
        if not writing[0].isdir():
            try:  # cut short by the full disk: no partial file left
                os.unlink(target)
            except OSError:
                pass
        raise name_no_space(e, target) from None
