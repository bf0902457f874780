"""`doca compose` run in a project folder, as a user runs it (cwd: the folder)."""
import subprocess

import pytest

from tests.support.stack import DOCA


class Compose:
    def __init__(self, stack, folder):
        self.stack, self.folder = stack, folder

    def __call__(self, *args, check: bool = True, env: dict | None = None, timeout: float = 180):
        r = subprocess.run([DOCA, "compose", *args], cwd=self.folder, env={**self.stack.env(), **(env or {})},
                           capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise AssertionError(f"doca compose {' '.join(args)} exited {r.returncode}\n"
                                 f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r


@pytest.fixture
def compose(stack, tmp_path):
    """A project folder (tmp_path/app) and `doca compose` run in it."""
    folder = tmp_path / "app"
    folder.mkdir()
    return Compose(stack, folder)
