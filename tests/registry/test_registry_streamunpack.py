"""The pull's unpacker (a layer read once from a stream, as it downloads)
passes the very tests the file unpacker passes: the same battery of
tests/images/test_images_unpack.py, run again with unpack() reading the tar
through streamunpack.unpack_stream."""
import pytest

from services.images.registry.streamunpack import unpack_stream
from tests.images import test_images_unpack as battery
from tests.images.test_images_unpack import *  # noqa: F401,F403 - collected again here, streamed


def _from_stream(tar_path, dest):
    with open(tar_path, "rb") as f:
        return unpack_stream(f, dest)


@pytest.fixture(autouse=True)
def _streamed(monkeypatch):
    monkeypatch.setattr(battery, "unpack", _from_stream)
