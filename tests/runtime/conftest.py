"""The runtime service through a stack: container lifecycle, exec, attach, logs,
limits, stats, top, rename, diff, cp, export, health checks, user namespaces,
the shim and its zygote, live restore."""
import pytest

from tests.support import executors


@pytest.fixture(params=executors.params())
def runtime(request) -> str:
    """A test taking `runtime` runs once per executor (--runtime NAME)."""
    return request.param
