"""A volume's size as Docker's `system df` measures it (moby's
pkg/directory.Size): the sizes of what lies under its mountpoint, walked
without following links, each inode once, directories not counted; a
mountpoint that is gone counts 0."""
import os


def size(mountpoint: str) -> int:
    total, seen = 0, set()
    stack = [mountpoint]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:  # gone meanwhile, or not a directory: nothing to count
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif st.st_size and st.st_ino not in seen:
                seen.add(st.st_ino)
                total += st.st_size
    return total
