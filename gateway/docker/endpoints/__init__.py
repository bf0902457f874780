"""Every endpoint module, imported so that its @route lines register. One
module per group of Docker's API reference (System, Container, Exec, Image,
Network, Volume, ...)."""
import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_mod.name}")
