"""deploy/prometheus and deploy/grafana against the real tools: promtool
checks the config and the rules and runs the alerts' unit tests; a real
Prometheus (Debian's, on 127.0.0.1) scrapes a running stack with the
shipped config, loads the shipped rules, and answers every query of the
shipped Grafana dashboard."""
import json
import pathlib
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.support.stack import free_port

DEPLOY = pathlib.Path(__file__).resolve().parents[2] / "deploy"
PROMETHEUS = DEPLOY / "prometheus"
DASHBOARD = DEPLOY / "grafana" / "doca.json"


def _promtool(*args, cwd=PROMETHEUS) -> subprocess.CompletedProcess:
    return subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_promtool_accepts_config_rules_and_alert_tests():
    for args in (["check", "config", "prometheus.yml"], ["check", "rules", "alerts.yml"],
                 ["test", "rules", "alerts_test.yml"]):
        r = _promtool(*args)
        assert r.returncode == 0, f"promtool {' '.join(args)}:\n{r.stdout}{r.stderr}"
    assert "SUCCESS: 6 rules found" in _promtool("check", "rules", "alerts.yml").stdout


def _dashboard_queries() -> list[str]:
    """The dashboard's expressions with Grafana's variables filled in as it would."""
    out = []
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        for target in panel["targets"]:
            out.append(target["expr"].replace("$instance", ".*").replace("$__rate_interval", "1m"))
    return out


class Prometheus:
    def __init__(self, base: pathlib.Path, target: str):
        self.base = base
        self.addr = f"127.0.0.1:{free_port()}"
        # the shipped file, scraping this stack once a second
        text = (PROMETHEUS / "prometheus.yml").read_text()
        for old, new in (("scrape_interval: 15s", "scrape_interval: 1s"),
                         ("evaluation_interval: 15s", "evaluation_interval: 1s"),
                         ('"127.0.0.1:9323"', f'"{target}"')):
            assert old in text, old
            text = text.replace(old, new)
        (base / "prometheus.yml").write_text(text)
        shutil.copy(PROMETHEUS / "alerts.yml", base / "alerts.yml")
        self.log = open(base / "prometheus.log", "wb")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={base / 'prometheus.yml'}", f"--storage.tsdb.path={base / 'data'}",
             f"--web.listen-address={self.addr}"], stdout=self.log, stderr=self.log, cwd=base)

    def get(self, path: str, **params) -> dict:
        url = f"http://{self.addr}{path}" + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())

    def query(self, expr: str) -> list:
        body = self.get("/api/v1/query", query=expr)
        assert body["status"] == "success", body
        return body["data"]["result"]

    def wait_for(self, expr: str, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        while True:
            try:
                result = self.query(expr)
                if result:
                    return result
            except OSError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise AssertionError(f"no result for {expr!r} in {timeout}s:\n"
                                     + (self.base / "prometheus.log").read_text()[-2000:])
            time.sleep(0.25)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def prometheus(stack, tmp_path):
    p = Prometheus(tmp_path, stack.metrics_addr)
    try:
        yield p
    finally:
        p.stop()


def test_prometheus_scrapes_the_stack_with_the_shipped_config(stack, prometheus):
    name = "prom-" + str(free_port())
    cid = stack.doca("run", "-d", "--name", name, "-m", "64m", "busybox", "sleep", "120").stdout.strip()
    try:
        assert prometheus.wait_for('up{job="doca"} == 1')
        running = prometheus.wait_for('doca_containers{job="doca",state="running"} >= 1')
        assert running[0]["metric"]["instance"] == stack.metrics_addr
        limit = prometheus.wait_for(f'container_spec_memory_limit_bytes{{job="doca",name="{name}"}}')
        assert float(limit[0]["value"][1]) == 64 * 1024 * 1024
        assert prometheus.wait_for(f'container_memory_usage_bytes{{job="doca",name="{name}"}} > 0')
        assert prometheus.wait_for('grpc_server_handled_total{job="doca",grpc_service="doca.v1.Containers",'
                                   'grpc_method="Run",grpc_code="OK"}')
        assert prometheus.wait_for('doca_images{job="doca"} >= 1 and doca_layers_bytes{job="doca"} > 0')

        rules = prometheus.get("/api/v1/rules")["data"]["groups"]
        alerts = {r["name"]: r for g in rules for r in g["rules"]}
        assert set(alerts) == {"DocaGatewayDown", "DocaServiceUnavailable", "DocaInternalErrors",
                               "DocaSlowContainerCreates", "DocaContainerRestarting",
                               "DocaContainerMemoryNearLimit"}
        deadline = time.monotonic() + 10
        while any(r.get("health") != "ok" for r in alerts.values()) and time.monotonic() < deadline:
            time.sleep(0.5)  # evaluated once a second: every rule runs without error
            rules = prometheus.get("/api/v1/rules")["data"]["groups"]
            alerts = {r["name"]: r for g in rules for r in g["rules"]}
        assert {n: r.get("health") for n, r in alerts.items()} == {n: "ok" for n in alerts}
        assert alerts["DocaGatewayDown"]["state"] == "inactive"

        # every dashboard query is valid PromQL here, and the container panels have data
        queries = _dashboard_queries()
        assert len(queries) >= 8
        answered = {q: prometheus.query(q) for q in queries}
        for q in queries:
            if re.search(r"container_(cpu|memory)|doca_containers|grpc_server_handled_total\{[^}]*\}\[", q) \
                    and "!=" not in q:
                assert answered[q] or prometheus.wait_for(q, timeout=10), q
    finally:
        stack.doca("rm", "-f", cid)
