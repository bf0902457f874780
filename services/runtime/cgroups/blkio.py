"""blkio (v1) and io (v2): the I/O weight (where the kernel has one: Docker
discards it otherwise, and so does the gateway), the per-device weights and
rate limits (--device-read-bps...), and the bytes read and written."""
import os

from common.errors import InvalidArgument
from common.resources import device_entry
from services.runtime.cgroups import base

# Resources' field -> (v1 file, v2 io.max key)
THROTTLES = (("device_read_bps", "blkio.throttle.read_bps_device", "rbps"),
             ("device_write_bps", "blkio.throttle.write_bps_device", "wbps"),
             ("device_read_iops", "blkio.throttle.read_iops_device", "riops"),
             ("device_write_iops", "blkio.throttle.write_iops_device", "wiops"))


def device_numbers(device: str) -> tuple[int, int]:
    """A block device's path (or MAJOR:MINOR) -> (major, minor), with
    Docker's words for a path that is not there."""
    if not device.startswith("/"):
        major, _, minor = device.partition(":")
        return int(major), int(minor)
    try:
        st = os.stat(device)
    except OSError as e:
        raise InvalidArgument(f"stat {device}: {e.strerror.lower()}") from None
    return os.major(st.st_rdev), os.minor(st.st_rdev)


def numbers(device: str) -> str:
    return "%d:%d" % device_numbers(device)


def _lines(path: str) -> list[str]:
    try:
        return base.read(path).splitlines()
    except FileNotFoundError:
        return []


class BlkioV1(base.Controller):
    name = "blkio"

    def set(self, path, res):
        weight = os.path.join(path, "blkio.weight")
        if res.blkio_weight and os.path.exists(weight):
            base.write(weight, res.blkio_weight)
        if os.path.exists(weight + "_device"):
            for device, value in map(device_entry, res.blkio_weight_device):
                base.write(weight + "_device", f"{numbers(device)} {value}")
        for field, name, _ in THROTTLES:
            for device, value in map(device_entry, getattr(res, field)):
                base.write(os.path.join(path, name), f"{numbers(device)} {value}")

    def stats(self, path, sample):
        for line in _lines(os.path.join(path, "blkio.throttle.io_service_bytes")):
            parts = line.split()  # "8:0 Read 4096"
            if len(parts) == 3 and parts[1] == "Read":
                sample["blk_read"] += int(parts[2])
            elif len(parts) == 3 and parts[1] == "Write":
                sample["blk_write"] += int(parts[2])


class IoV2(base.Controller):
    name = "io"

    def set(self, path, res):
        weight = os.path.join(path, "io.weight")
        if res.blkio_weight and os.path.exists(weight):
            base.write(weight, f"default {res.blkio_weight}")
        for device, value in map(device_entry, res.blkio_weight_device):
            if os.path.exists(weight):
                base.write(weight, f"{numbers(device)} {value}")
        for field, _, key in THROTTLES:
            for device, value in map(device_entry, getattr(res, field)):
                base.write(os.path.join(path, "io.max"), f"{numbers(device)} {key}={value}")

    def stats(self, path, sample):
        for line in _lines(os.path.join(path, "io.stat")):
            for field in line.split()[1:]:  # "8:0 rbytes=100 wbytes=200 ..."
                key, _, value = field.partition("=")
                if key == "rbytes":
                    sample["blk_read"] += int(value)
                elif key == "wbytes":
                    sample["blk_write"] += int(value)
