"""The network area: the network service alone (its own root, bridge and
subnet per test: make_net_stack, with namespaces from make_netns) and
through a whole stack (env: containers and networks removed after each test)."""
import pytest

from tests.support.netenv import Env
from tests.support.network import Namespace, Service, cleanup_bridge, free_subnet, unique_bridge


@pytest.fixture
def env(stack):
    e = Env(stack)
    yield e
    e.cleanup()


@pytest.fixture
def make_netns(make_net_stack):
    # Depends on make_net_stack so that its teardown (killing the namespaces)
    # runs before the services stop and the bridges are cleaned.
    made: list[Namespace] = []

    def make() -> Namespace:
        ns = Namespace()
        made.append(ns)
        return ns

    yield make
    for ns in made:
        ns.kill()


@pytest.fixture
def make_net_stack(tmp_path):
    """make_net_stack(prefix=24) -> a started Service with its own root, bridge
    and subnet; make_net_stack(start=False) leaves it unstarted."""
    services: list[Service] = []

    def make(prefix: int = 24, start: bool = True) -> Service:
        svc = Service(tmp_path / f"stack{len(services)}", unique_bridge(), free_subnet(prefix))
        services.append(svc)
        if not start:
            return svc
        for _ in range(3):
            try:
                return svc.start()
            except AssertionError:
                # Another stack on this machine took the subnet meanwhile.
                if "overlaps" not in svc.log():
                    raise
                svc.subnet = free_subnet(prefix)
        return svc.start()

    yield make
    for svc in services:
        try:
            svc.stop()
        except AssertionError:
            pass
    for svc in services:
        cleanup_bridge(svc.bridge)


@pytest.fixture
def net_stack(make_net_stack):
    """A started service with a /24."""
    return make_net_stack()
