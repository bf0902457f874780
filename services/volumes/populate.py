"""Docker's copy of an image's content into a volume: when an empty volume
is mounted where the image has a directory, that directory's content (with
owners, modes, times, symlinks) is copied into the volume first, so
`-v data:/etc/app` starts with the image's defaults.

The image is read from its unpacked layers (top first, as overlayfs takes
them), merged here bottom-up with the layers' whiteouts and opaque
directories honoured: no mount is needed, nothing of the container's own
(still empty) upper layer counts."""
import os
import shutil
import stat

from common.overlayfs import is_opaque, is_whiteout


def populate(volume_dir: str, layers: list[str], path: str) -> bool:
    """Copies the image's directory `path` into `volume_dir` when the volume
    is empty and the image has a directory there; True when it copied."""
    rel = path.strip("/")
    if not rel or os.listdir(volume_dir):
        return False
    top = None
    for layer in reversed(layers):  # bottom first
        state = _state_in_layer(layer, rel)
        if state == "gone":
            _clear(volume_dir)
            top = None
        elif state is not None:
            if state == "opaque":
                _clear(volume_dir)
            _merge(os.path.join(layer, rel), volume_dir)
            top = os.path.join(layer, rel)
    if top is None:
        return False
    _copy_meta(top, volume_dir)  # the directory itself: the image's owner and mode
    return True


def _state_in_layer(layer: str, rel: str) -> str | None:
    """What this layer says of `rel`: None (nothing), "gone" (deleted here,
    or not a directory), "dir" (merged onto the layers below), "opaque"
    (replaces them)."""
    parts = rel.split("/")
    for i in range(1, len(parts)):  # a parent deleted or replaced in this layer
        parent = os.path.join(layer, *parts[:i])
        try:
            st = os.lstat(parent)
        except FileNotFoundError:
            return None
        if is_whiteout(st) or not stat.S_ISDIR(st.st_mode):
            return "gone"
        if is_opaque(parent) and not os.path.lexists(os.path.join(layer, rel)):
            return "gone"
    here = os.path.join(layer, rel)
    try:
        st = os.lstat(here)
    except FileNotFoundError:
        return None
    if is_whiteout(st) or not stat.S_ISDIR(st.st_mode):
        return "gone"
    return "opaque" if is_opaque(here) else "dir"


def _clear(directory: str) -> None:
    for entry in os.scandir(directory):
        _remove(entry.path)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def _merge(src: str, dst: str) -> None:
    for entry in os.scandir(src):
        target = os.path.join(dst, entry.name)
        st = entry.stat(follow_symlinks=False)
        if is_whiteout(st):
            _remove(target)
            continue
        if stat.S_ISDIR(st.st_mode):
            if os.path.lexists(target) and (os.path.islink(target) or not os.path.isdir(target)):
                os.unlink(target)
            if is_opaque(entry.path) and os.path.isdir(target):
                shutil.rmtree(target)
            os.makedirs(target, exist_ok=True)
            _merge(entry.path, target)
            _copy_meta(entry.path, target)
            continue
        _remove(target)
        if stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(entry.path), target)
            os.lchown(target, st.st_uid, st.st_gid)
        elif stat.S_ISREG(st.st_mode):
            shutil.copyfile(entry.path, target, follow_symlinks=False)
            _copy_meta(entry.path, target)
        # devices, fifos and sockets are not copied into volumes


def _copy_meta(src: str, dst: str) -> None:
    st = os.lstat(src)
    os.chown(dst, st.st_uid, st.st_gid, follow_symlinks=False)
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)
