"""Reading the gateway's /metrics in tests: one value per family (labels
summed), counters compared between two scrapes."""
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def scrape(stack) -> dict[str, float]:
    with urllib.request.urlopen(f"http://{stack.metrics_addr}/metrics", timeout=10) as r:
        text = r.read().decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if not s.name.endswith(("_created", "_bucket")):
                out[s.name] = out.get(s.name, 0) + s.value
    return out


def counter(after: dict, before: dict, name: str) -> float:
    """How much counter NAME (without _total) grew between two scrapes."""
    key = name + "_total"
    return after.get(key, 0) - before.get(key, 0)
