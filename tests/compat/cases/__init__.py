"""The differential cases, one module per verb group (every module of this
package with a CASES list: a new group is a new module, nothing to register);
ALL is every case of them, with the known differences of
tests/compat/known.py as xfails."""
import dataclasses
import importlib
import pkgutil

from tests.compat.known import WRONG

_MODULES = [importlib.import_module(f"{__name__}.{m.name}") for m in sorted(pkgutil.iter_modules(__path__),
                                                                            key=lambda m: m.name)]
_CASES = [c for module in _MODULES for c in getattr(module, "CASES", ())]
ALL = [dataclasses.replace(c, xfail=WRONG[c.id]) if c.id in WRONG else c for c in _CASES]
UNKNOWN_IDS = sorted(set(WRONG) - {c.id for c in _CASES})
