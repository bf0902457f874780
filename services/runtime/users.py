"""Resolves a container's "user[:group]" to numeric ids from the image's
/etc/passwd and /etc/group, read from the snapshot's layers (upper first),
since OCI config.json takes numbers only."""
import typing

from common import fstree
from common.errors import InvalidArgument
from common.layerview import LayerTree


def _number(text: str) -> bool:
    """ASCII digits only: str.isdigit takes '²', which int() refuses."""
    return text.isascii() and text.isdigit()


MAX_ID = 2**31 - 1  # Docker's range for uids and gids
MAX_TABLE = 4 << 20  # a passwd or group file larger than this is not read whole


def _find(rel: str, dirs: list[str]) -> str | None:
    """The file as the container sees it: symlinks followed inside the
    layers, never on the host (an image's /etc/passwd -> /etc/shadow is the
    image's own shadow), read beneath its layer (the upper dir of a running
    container may change under us)."""
    tree = LayerTree(dirs)
    node = fstree.lookup(tree, rel)
    if node is None or node.kind != fstree.FILE:
        return None
    try:
        return fstree.read_all(tree, node, MAX_TABLE).decode(errors="replace")
    except OSError:
        return None


def _entries(text: str | None):
    for line in (text or "").splitlines():
        if line and not line.startswith("#"):
            yield line.split(":")


class ExecUser(typing.NamedTuple):
    uid: int
    gid: int
    additional_gids: list[int]  # Docker's order: the gid, the user's groups, then --group-add
    home: str  # the passwd entry's, else "/" (runc's default), for HOME


def _group_add(names, groups_text: str | None) -> list[int]:
    """--group-add: a name or gid from the group file, else a bare number
    (runc's GetAdditionalGroups, with Docker's words for a missing name)."""
    out = []
    for name in names:
        for e in _entries(groups_text):
            if len(e) > 2 and _number(e[2]) and name in (e[0], e[2]):
                out.append(int(e[2]))
                break
        else:
            if not _number(name):
                raise InvalidArgument(f"Unable to find group {name}: no matching entries in group file")
            out.append(int(name))
    return out


def resolve(user: str, dirs: list[str], group_add=()) -> ExecUser:
    """The process's ids for `user` given the rootfs layers, as Docker's
    daemon makes them (daemon/oci_linux.go getUser with runc's
    GetExecUser): a user matched in passwd (by name, or by uid) also gets
    the groups that list its name, unless a group was given."""
    if not user:
        user = "0"
    name, _, group = user.partition(":")
    login, home = None, "/"
    if _number(name):
        uid, gid = int(name), 0
        for e in _entries(_find("etc/passwd", dirs)):
            if len(e) > 3 and e[2] == name and _number(e[3]):
                gid, login = int(e[3]), e[0]
                home = e[5] if len(e) > 5 and e[5] else home
                break
    else:
        for e in _entries(_find("etc/passwd", dirs)):
            if e[0] == name and len(e) > 3 and _number(e[2]) and _number(e[3]):
                uid, gid, login = int(e[2]), int(e[3]), name
                home = e[5] if len(e) > 5 and e[5] else home
                break
        else:
            raise InvalidArgument(f"unable to find user {name}: no matching entries in passwd file")
    groups_text = _find("etc/group", dirs)
    if group:
        if _number(group):
            gid = int(group)
        else:
            for e in _entries(groups_text):
                if e[0] == group and len(e) > 2 and _number(e[2]):
                    gid = int(e[2])
                    break
            else:
                raise InvalidArgument(f"unable to find group {group}: no matching entries in group file")
    extra = []
    if login and not group:  # runc: supplementary groups only in the implicit form
        for e in _entries(groups_text):
            if len(e) > 3 and login in e[3].split(",") and _number(e[2]):
                extra.append(int(e[2]))
    extra += _group_add(group_add, groups_text)
    for value in (uid, gid, *extra):
        if value > MAX_ID:  # 4294967295 would be setresuid's -1: "unchanged", root
            raise InvalidArgument(f"uids and gids must be in range 0-{MAX_ID}: {value} in the image's passwd or group")
    return ExecUser(uid, gid, [gid, *extra], home)
