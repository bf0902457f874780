"""The built-in default image, busybox:latest, made at start from the host's
busybox-static binary: every fresh store can run containers with no
download.

The layer tar is deterministic (sorted entries, uid/gid 0, one fixed mtime,
ustar headers) and so is the config (fixed creation time): the same busybox
binary always gives the same diff id and image id. Seeding happens once per
store (a marker file), so `rmi busybox` stays removed after a restart.
"""
import io
import logging
import os
import pathlib
import subprocess
import tarfile
import time

from common import atomic
from common import reference
from services.images import oci
from services.images.service import ImageService

log = logging.getLogger("doca.images.builtin")

BUSYBOX = "/bin/busybox"
TAG = "busybox:latest"
MARKER = "builtin-seeded"
# 2024-01-01T00:00:00Z: any fixed instant will do, as long as it never changes.
EPOCH = 1704067200
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# (path, mode) of the directories every image of this kind has.
DIRS = [("bin", 0o755), ("dev", 0o755), ("etc", 0o755), ("home", 0o755), ("proc", 0o555),
        ("root", 0o700), ("sbin", 0o755), ("sys", 0o555), ("tmp", 0o1777), ("usr", 0o755),
        ("usr/bin", 0o755), ("usr/sbin", 0o755), ("var", 0o755), ("var/spool", 0o755),
        ("var/spool/mail", 0o755), ("var/www", 0o755)]

FILES = {
    "etc/passwd": (0o644, "root:x:0:0:root:/root:/bin/sh\n"
                          "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                          "bin:x:2:2:bin:/bin:/bin/false\n"
                          "sys:x:3:3:sys:/dev:/bin/false\n"
                          "sync:x:4:100:sync:/bin:/bin/sync\n"
                          "mail:x:8:8:mail:/var/spool/mail:/bin/false\n"
                          "www-data:x:33:33:www-data:/var/www:/bin/false\n"
                          "operator:x:37:37:Operator:/var:/bin/false\n"
                          "nobody:x:65534:65534:nobody:/home:/bin/false\n"),
    "etc/group": (0o644, "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\n"
                         "disk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\n"
                         "operator:x:37:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n"),
    "etc/hosts": (0o644, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"),
    "etc/shadow": (0o600, "root:*:19723:0:99999:7:::\nnobody:*:19723:0:99999:7:::\n"),
}


def applets(busybox: str = BUSYBOX) -> list[str]:
    """Install paths of every applet ("usr/bin/awk"), from the binary itself."""
    out = subprocess.run([busybox, "--list-full"], capture_output=True, check=True, timeout=10)
    return sorted({p.strip().lstrip("/") for p in out.stdout.decode().splitlines() if p.strip()})


def _info(name: str, kind: bytes, mode: int, size: int = 0, linkname: str = "") -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.size, ti.linkname = kind, mode, size, linkname
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    ti.mtime = EPOCH
    return ti


def rootfs_tar(busybox: str = BUSYBOX) -> tuple[bytes, str]:
    """The layer tar (bytes) and busybox's version line."""
    binary = pathlib.Path(busybox).read_bytes()
    entries: dict[str, tuple[tarfile.TarInfo, bytes | None]] = {}
    for path, mode in DIRS:
        entries[path] = (_info(path, tarfile.DIRTYPE, mode), None)
    entries["bin/busybox"] = (_info("bin/busybox", tarfile.REGTYPE, 0o755, len(binary)), binary)
    for path, (mode, text) in FILES.items():
        data = text.encode()
        entries[path] = (_info(path, tarfile.REGTYPE, mode, len(data)), data)
    for path in applets(busybox):
        if path in entries:
            continue
        parent = os.path.dirname(path)
        if parent and parent not in entries:
            entries[parent] = (_info(parent, tarfile.DIRTYPE, 0o755), None)
        # Relative, so it points at the image's busybox whatever the mount point.
        target = os.path.relpath("bin/busybox", parent or ".")
        entries[path] = (_info(path, tarfile.SYMTYPE, 0o777, linkname=target), None)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(entries):
            info, data = entries[name]
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    start = binary.find(b"BusyBox v")
    version = binary[start:binary.find(b")", start) + 1].decode(errors="replace") if start >= 0 else "BusyBox"
    return buf.getvalue(), version


def seed(svc: ImageService, busybox: str = BUSYBOX) -> str | None:
    """Creates busybox:latest once per store; returns its id, or None when
    the store was seeded before or the host has no busybox."""
    marker = svc.state / MARKER
    if marker.exists():
        return None
    if svc.tags.get(TAG) is not None:  # an imported image already has the name: keep it
        atomic.write_bytes(marker, b"tag taken\n")
        return None
    if not os.access(busybox, os.X_OK):
        log.warning("no %s on this host (install busybox-static): no built-in busybox image", busybox)
        return None
    t0 = time.monotonic()
    data, version = rootfs_tar(busybox)
    with svc.content.writer() as w:
        w.write(data)
        diff_id = w.finish()
        with svc.pinned(blobs=[diff_id], layers=[diff_id]):
            # Unpacked now, as every layer in the store is: its size is then
            # tracked (images, system df) and the first run has nothing to do.
            svc.layers.ensure(diff_id, diff_id, None, w.path)
            w.commit()
            history = [{"created": oci.rfc3339(EPOCH),
                        "created_by": f"doca: built-in image from the host's {version}"}]
            image_id = svc.create_image(
                diff_ids=[diff_id], created=EPOCH, history=history,
                config={"Env": [PATH_ENV], "Cmd": ["sh"]},
                tag=reference.parse(TAG))
            atomic.write_bytes(marker, (image_id + "\n").encode())
    log.info("seeded %s (%s) from %s in %.1f ms", TAG, image_id[7:19], busybox,
             (time.monotonic() - t0) * 1000)
    return image_id
