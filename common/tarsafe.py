"""Extracting a tar into a directory without letting it write anywhere
else: both ends of `docker cp` use this (the CLI on the host, the runtime's
copy helper inside a container's root). Standard library only.

As Docker's archive.Untar: names are cleaned and may not leave the
destination (nor may hard links, nor writes through a symlink that points
out of it), an existing directory is merged with a directory of the tar but
never replaced by a non-directory (or the other way round), any other
existing entry is removed first (a file is never written through a symlink
or into a device node), and "." (the destination itself) is left as it is."""
import os
import tarfile


class Refused(tarfile.FilterError):
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
    if rename is None:
        return name
    top, sep, rest = name.partition("/")
    return rename[1] + sep + rest if top == rename[0] else name


def extraction_filter(dest: str, rename: tuple[str, str] | None = None, owner=None):
    """A tarfile extraction filter for `dest`. rename=(OLD, NEW): the tar's
    top-level entry OLD lands as NEW (docker cp to a new name). owner(uid,
    gid) -> (uid, gid): the owners to give each entry (default: the tar's)."""
    root = os.path.realpath(dest)

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
        return member.replace(**changes, deep=False)
    return check


def extract(fileobj, dest: str, rename: tuple[str, str] | None = None, owner=None) -> None:
    """Extracts a tar stream (read sequentially) into the directory `dest`."""
    with tarfile.open(fileobj=fileobj, mode="r|*") as tf:
        tf.extractall(dest, numeric_owner=True, filter=extraction_filter(dest, rename, owner))
