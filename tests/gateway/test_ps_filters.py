"""ps --filter keys the differential suite cannot reach (its containers run
with --network none): publish/expose, network by name and id prefix, and
health, on a stack's bridge network."""
import json

from tests.support.waiting import wait_for


def _names(stack, *filters) -> list[str]:
    argv = ["ps", "-a", "--format", "{{.Names}}"]
    for f in filters:
        argv += ["--filter", f]
    return stack.doca(*argv).stdout.split()


def test_ports_network_and_health(stack):
    web = stack.doca("run", "-d", "--name", "psf-web", "-p", "18931:80", "busybox", "sleep", "60").stdout.strip()
    checked = stack.doca("run", "-d", "--name", "psf-checked", "--health-cmd", "true", "--health-interval", "1s",
                         "busybox", "sleep", "60").stdout.strip()
    try:
        assert _names(stack, "publish=18931") == ["psf-web"]
        assert _names(stack, "publish=18930-18935/tcp") == ["psf-web"]
        assert _names(stack, "publish=18931/udp") == [] and _names(stack, "publish=18932") == []
        assert _names(stack, "expose=80") == ["psf-web"]
        net_id = json.loads(stack.doca("network", "inspect", "bridge").stdout)[0]["Id"]
        on_bridge = set(_names(stack, "network=bridge"))
        assert {"psf-web", "psf-checked"} <= on_bridge and on_bridge == set(_names(stack, f"network={net_id[:6]}"))
        assert "psf-web" not in _names(stack, "network=none")
        assert wait_for(lambda: _names(stack, "health=healthy") == ["psf-checked"], timeout=20)
        assert "psf-web" in _names(stack, "health=none") and "psf-checked" not in _names(stack, "health=none")
        assert stack.doca("ps", "--filter", f"id={web[:10]}", "-q").stdout.split() == [web[:12]]
    finally:
        stack.doca("rm", "-f", web, checked)
