"""The network drivers' registry and protocol (no kernel involved): every
driver implements the whole protocol, a network's driver is chosen by its
name, the bridge driver names a user network's bridge after the stack's."""
import inspect
import ipaddress

import pytest

from common.errors import InvalidArgument
from services.network import drivers, networks
from services.network.drivers.driver import Driver


def _methods(cls) -> dict:
    return {name: inspect.signature(fn) for name, fn in vars(cls).items()
            if inspect.isfunction(fn) and not name.startswith("_")}


@pytest.mark.parametrize("name", sorted(drivers.DRIVERS))
def test_each_driver_implements_the_protocol(name):
    cls = drivers.DRIVERS[name]
    assert cls.name == name
    have, want = _methods(cls), _methods(Driver)
    assert set(want) <= set(have), f"{cls.__name__} lacks {sorted(set(want) - set(have))}"
    for method, sig in want.items():
        assert list(have[method].parameters) == list(sig.parameters), method


def test_a_driver_is_chosen_by_name():
    assert drivers.check_name("") == networks.DEFAULT_DRIVER == "bridge"
    assert drivers.check_name("bridge") == "bridge"
    with pytest.raises(InvalidArgument, match='plugin "overlay" not found: doca\'s networks use the bridge'):
        drivers.check_name("overlay")
    loaded = drivers.load("dt0")
    assert set(loaded) == set(drivers.DRIVERS) and all(d.name == n for n, d in loaded.items())


def test_the_bridge_driver_names_a_user_bridge_after_the_stack():
    net = networks.new_user_network("web", "bridge", ipaddress.ip_network("10.9.0.0/24"), "", False, {})
    assert net.bridge == ""  # the driver's field
    done = drivers.load("doca0")["bridge"].complete(net)
    assert done.bridge == networks.user_bridge_name("doca0", net.id) and done.id == net.id
