"""schema.py's table names the Compose Specification's own keys: checked
against the Compose JSON schema docker-compose 1.29.2 ships (in
.venv-compose, `make compose-v1`), less the keys the specification gained
since (top-level name, healthcheck start_interval, limits pids, a long
port's host_ip and name, annotations)."""
import json
import pathlib

import pytest

from gateway.cli.compose import schema

ROOT = pathlib.Path(__file__).resolve().parents[2]
NEWER = {"name", "start_interval", "pids", "host_ip", "annotations"}  # a long port's name: the same word as the top level's


def _spec() -> dict:
    found = sorted(ROOT.glob(".venv-compose/lib/python3*/site-packages/compose/config/compose_spec.json"))
    if not found:
        pytest.skip("docker-compose 1.29.2 comes with `make compose-v1`")
    return json.loads(found[0].read_text())


def _object(one_of: list) -> dict:
    return next(o["properties"] for o in one_of if "properties" in o)


def _unknown(table: dict, properties: dict) -> set:
    return {k for k in table if k not in properties and k != "*"} - NEWER


def test_the_table_names_compose_keys():
    spec = _spec()
    d = spec["definitions"]
    service = d["service"]["properties"]
    assert _unknown(schema.TOP, spec["properties"]) == set()
    assert _unknown(schema.SERVICE, service) == set()
    assert _unknown(schema.BUILD, _object(service["build"]["oneOf"])) == set()
    assert _unknown(schema.HEALTHCHECK, d["healthcheck"]["properties"]) == set()
    assert _unknown(schema.NETWORK, d["network"]["properties"]) == set()
    assert _unknown(schema.VOLUME, d["volume"]["properties"]) == set()
    limits = d["deployment"]["properties"]["resources"]["properties"]["limits"]["properties"]
    assert _unknown(schema.LIMITS, limits) == set()
    assert _unknown(schema.PORT, _object(service["ports"]["items"]["oneOf"])) == set()
    assert _unknown(schema.VOLUME_MOUNT, _object(service["volumes"]["items"]["oneOf"])) == set()
