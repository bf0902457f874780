"""ImageFsInfo's figures: bytes and inodes under the images service's
store, measured as du does (allocated blocks, each inode once), so the
kubelet's image garbage collection sees what the store really takes."""
import os
import pathlib


def measure(root: pathlib.Path) -> tuple[int, int]:
    """(bytes, inodes) of the tree at root, on root's filesystem only: a
    mount inside it (a build's overlay) belongs to something else."""
    try:
        dev = os.lstat(root).st_dev
    except OSError:
        return 0, 0
    seen: set[tuple[int, int]] = set()
    used = 0
    todo = [str(root)]
    while todo:
        path = todo.pop()
        try:
            st = os.lstat(path)
            entries = os.scandir(path) if os.path.isdir(path) and not os.path.islink(path) else None
        except OSError:  # gone while we walked (a pull or removal at the same time)
            continue
        if st.st_dev != dev:
            continue
        key = (st.st_dev, st.st_ino)
        if key not in seen:
            seen.add(key)
            used += st.st_blocks * 512
        if entries is None:
            continue
        with entries:
            for e in entries:
                try:
                    if e.is_dir(follow_symlinks=False):
                        todo.append(e.path)
                        continue
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                key = (st.st_dev, st.st_ino)
                if key not in seen:
                    seen.add(key)
                    used += st.st_blocks * 512
    return used, len(seen)
