"""Opening a file below a directory without following any symlink on the
way, one component at a time (as openat2's RESOLVE_BENEATH |
RESOLVE_NO_SYMLINKS would): a layer or upper directory that a running
container can change cannot send a root process's read to a host file by
swapping a name for a symlink between a check and the open."""
import os


def open_beneath(root: str, rel: str, flags: int = os.O_RDONLY) -> int:
    """A descriptor for `rel` (relative, no `..`) under `root`; OSError
    (ELOOP for a symlink, ENOTDIR, ENOENT) when any component is not what
    a plain walk would find."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise OSError(22, f"{rel}: a path with .. is not beneath its root")
    fd = os.open(root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = nxt
        if not parts:
            return os.dup(fd) if flags & os.O_PATH else os.open(".", flags | os.O_CLOEXEC, dir_fd=fd)
        return os.open(parts[-1], flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY, dir_fd=fd)
    finally:
        os.close(fd)


def make_beneath(root: str, rel: str, directory: bool = True, mode: int = 0o755) -> None:
    """Makes `rel` under `root` (its missing parents as directories; the
    last a directory, or an empty file), one component at a time through
    descriptors, following no symlink: a mount point made in a container's
    root while another container can swap names in a shared volume never
    lands on the host (runc's CVE-2024-45310). An existing entry is kept."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise OSError(22, f"{rel}: a path with .. is not beneath its root")
    fd = os.open(root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last and not directory:
                try:
                    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                                     0o644, dir_fd=fd))
                except FileExistsError:
                    pass  # whatever it is: the mount's own check decides
                return
            try:
                os.mkdir(part, mode, dir_fd=fd)
            except FileExistsError:
                pass
            nxt = os.open(part, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = nxt
    finally:
        os.close(fd)
