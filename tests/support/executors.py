"""The executors (--runtime NAME) as test parameters: each of the runtime's
registry, skipped where it is not installed."""
import pytest

from services.runtime import executors


def installed(name: str) -> pytest.MarkDecorator:
    """Skips a test where the executor `name` is not installed."""
    return pytest.mark.skipif(executors.EXECUTORS[name].path() is None,
                              reason=f"{name} is not installed (/work/shared/peers/install.sh)")


def params(but: tuple[str, ...] = ()) -> list:
    """pytest params of every executor's name, those in `but` left out."""
    return [pytest.param(name, marks=installed(name)) for name in executors.EXECUTORS if name not in but]
