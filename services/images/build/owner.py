"""COPY/ADD --chown=USER[:GROUP]: numbers as they are, names looked up in
the /etc/passwd and /etc/group of the image being built (not the host's).
A user alone gives the user's own group (for a number, the same number),
as Docker does."""
from common.errors import InvalidArgument
from common import fstree as trees


def _table(tree, path: str) -> list[list[str]]:
    node = trees.lookup(tree, path)
    if node is None or node.kind != trees.FILE:
        return []
    text = trees.read_all(tree, node).decode("utf-8", "replace")
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def _number(text: str) -> int | None:
    if text.isascii() and text.isdigit():
        value = int(text)
        if value > 0xFFFFFFFE:
            raise InvalidArgument(f"--chown={text}: ids go up to 4294967294")
        return value
    return None


def resolve(spec: str, tree) -> tuple[int, int]:
    """(uid, gid) for `spec` in the root filesystem `tree`."""
    user, _, group = spec.partition(":")
    if not user:
        raise InvalidArgument(f"--chown={spec}: expected USER[:GROUP] (names or numbers)")
    uid = _number(user)
    primary = uid
    if uid is None:
        for fields in _table(tree, "etc/passwd"):
            if len(fields) >= 4 and fields[0] == user and fields[2].isdigit() and fields[3].isdigit():
                uid, primary = int(fields[2]), int(fields[3])
                break
        else:
            raise InvalidArgument(f"--chown={spec}: unable to find user {user}: "
                                  "no matching entries in the image's /etc/passwd")
    if not group:
        return uid, primary
    gid = _number(group)
    if gid is None:
        for fields in _table(tree, "etc/group"):
            if len(fields) >= 3 and fields[0] == group and fields[2].isdigit():
                gid = int(fields[2])
                break
        else:
            raise InvalidArgument(f"--chown={spec}: unable to find group {group}: "
                                  "no matching entries in the image's /etc/group")
    return uid, gid
