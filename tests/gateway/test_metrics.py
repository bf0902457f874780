"""/metrics on --metrics-addr: RPC counters and latency histograms with
go-grpc-prometheus names, and doca_containers by state."""
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def _scrape(stack) -> dict:
    with urllib.request.urlopen(f"http://{stack.metrics_addr}/metrics", timeout=10) as r:
        text = r.read().decode()
    return {f.name: f for f in text_string_to_metric_families(text)}


def _value(family, **labels) -> float:
    return sum(s.value for s in family.samples
               if all(s.labels.get(k) == v for k, v in labels.items()) and not s.name.endswith(("_created", "_bucket")))


def test_rpc_counters_and_histograms(stack):
    before = _scrape(stack)
    stack.doca("ps", "-a")
    stack.doca("inspect", "no-such", check=False)
    after = _scrape(stack)
    handled = after["grpc_server_handled"]
    key = dict(grpc_service="doca.v1.Containers", grpc_method="List", grpc_type="unary", grpc_code="OK")
    prev = _value(before["grpc_server_handled"], **key) if "grpc_server_handled" in before else 0
    assert _value(handled, **key) >= prev + 1
    assert _value(handled, grpc_service="doca.v1.Containers", grpc_method="Inspect", grpc_code="NotFound") >= 1
    hist = after["grpc_server_handling_seconds"]
    assert any(s.name == "grpc_server_handling_seconds_bucket" and s.labels["grpc_method"] == "List" for s in hist.samples)
    client = after["grpc_client_handled"]
    assert _value(client, grpc_service="doca.runtime.v1.Runtime", grpc_method="List", grpc_code="OK") >= 1


def test_containers_by_state(stack):
    cid = stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    try:
        fam = _scrape(stack)["doca_containers"]
        assert _value(fam, state="running") >= 1
        assert {s.labels["state"] for s in fam.samples} >= {"created", "running", "exited"}
    finally:
        stack.doca("rm", "-f", cid)
