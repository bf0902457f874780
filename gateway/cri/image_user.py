"""The image's user as the CRI reports it (Image.uid or Image.username)."""


def image_user(user: str) -> tuple[int | None, str]:
    """(uid, "") when the config's User starts with a number ("1002",
    "1003:users", "1004:1004"), else (None, name) ("www-data",
    "www-data:1005"): the group part is the runtime's business at
    container creation, not the image's status. An empty User is neither."""
    name = user.split(":", 1)[0]
    if not name:
        return None, ""
    if name.isdigit():
        return int(name), ""
    return None, name
