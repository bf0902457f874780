"""Writes the Python CLI's launcher that `make` installs as .venv/bin/doca-py:

    python gateway/cli/launch/doca_py.py PATH

`doca` itself (doca.c, beside this file) runs it for every call that
the stack's CLI fork server does not take (none is running, a tcp:// host,
`doca daemon`...).

The launcher starts the venv's Python with -SI: no site (importing it and
reading the .pth files costs a CLI call ~4 ms), no PYTHON* variables, no
user site; this tree goes first on sys.path, and site-packages are added by
main.launch() only when a verb imports a package from there. pip's console
script for the same entry point (pyproject.toml) works too, at the cost of
a normal start-up.
"""
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]

TEMPLATE = """#!{python} -SI
# doca's CLI, written by `make` (gateway/cli/launch/doca_py.py): see there.
import sys
sys.path.insert(0, {root!r})
from gateway.cli.main import launch
launch()
"""


def write(path: str, python: str | None = None) -> None:
    python = python or os.path.join(os.path.dirname(os.path.abspath(path)), "python")
    text = TEMPLATE.format(python=python, root=str(ROOT))
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


if __name__ == "__main__":
    write(sys.argv[1])
