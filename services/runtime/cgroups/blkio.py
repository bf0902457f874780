"""blkio (v1) and io (v2): bytes read and written by the container."""
import os

from services.runtime.cgroups import base


def _lines(path: str) -> list[str]:
    try:
        return base.read(path).splitlines()
    except FileNotFoundError:
        return []


class BlkioV1(base.Controller):
    name = "blkio"

    def stats(self, path, sample):
        for line in _lines(os.path.join(path, "blkio.throttle.io_service_bytes")):
            parts = line.split()  # "8:0 Read 4096"
            if len(parts) == 3 and parts[1] == "Read":
                sample["blk_read"] += int(parts[2])
            elif len(parts) == 3 and parts[1] == "Write":
                sample["blk_write"] += int(parts[2])


class IoV2(base.Controller):
    name = "io"

    def stats(self, path, sample):
        for line in _lines(os.path.join(path, "io.stat")):
            for field in line.split()[1:]:  # "8:0 rbytes=100 wbytes=200 ..."
                key, _, value = field.partition("=")
                if key == "rbytes":
                    sample["blk_read"] += int(value)
                elif key == "wbytes":
                    sample["blk_write"] += int(value)
