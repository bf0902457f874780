"""Volumes through the Engine API: list, create, inspect, remove, prune,
with the Docker SDK and the docker CLI; doca sees the same volumes."""
import uuid

import docker
import pytest


@pytest.fixture
def name(stack):
    """A volume name this test may create; removed after it."""
    made = f"d4v-{uuid.uuid4().hex[:8]}"
    yield made
    stack.doca("volume", "rm", "-f", made, check=False)


def test_create_inspect_list_remove(client, api, stack, name):
    vol = client.volumes.create(name=name, driver="local", labels={"app": "d4"},
                                driver_opts={"type": "tmpfs", "device": "tmpfs"})
    assert vol.name == name
    doc = api.inspect_volume(name)
    assert doc["Name"] == name and doc["Driver"] == "local" and doc["Scope"] == "local"
    assert doc["Labels"] == {"app": "d4"} and doc["Options"] == {"type": "tmpfs", "device": "tmpfs"}
    assert doc["Mountpoint"].endswith(f"/{name}/_data") and doc["CreatedAt"]
    assert "UsedBy" not in doc  # doca's own field is not Docker's
    assert name in stack.doca("volume", "ls", "-q").stdout.split()
    listed = api.volumes(filters={"label": "app=d4"})
    assert [v["Name"] for v in listed["Volumes"]] == [name]
    assert listed["Warnings"] in (None, [])
    assert api.volumes(filters={"name": "no-such-d4"})["Volumes"] == []
    vol.remove()
    assert name not in stack.doca("volume", "ls", "-q").stdout.split()


def test_a_volume_made_by_a_container_has_null_labels(client, api, stack, name):
    stack.doca("run", "--rm", "-v", f"{name}:/data", "busybox", "true")
    doc = api.inspect_volume(name)
    assert doc["Labels"] is None and doc["Options"] is None


def test_missing_volume_is_404_in_dockers_words(api):
    with pytest.raises(docker.errors.NotFound) as e:
        api.inspect_volume("no-such-d4-volume")
    assert e.value.explanation == "get no-such-d4-volume: no such volume"
    with pytest.raises(docker.errors.NotFound):
        api.remove_volume("no-such-d4-volume")
    # force: a missing one is no error, as Docker's (the SDK's remove_volume drops its force: sent by hand)
    r = api._delete(api._url("/volumes/{0}", "no-such-d4-volume"), params={"force": "1"})
    assert r.status_code == 204


def test_a_volume_in_use_is_409_and_force_does_not_take_it(client, api, stack, name):
    client.volumes.create(name=name)
    ctr = stack.doca("create", "-v", f"{name}:/data", "busybox", "true").stdout.strip()
    try:
        with pytest.raises(docker.errors.APIError) as e:
            api.remove_volume(name)
        assert e.value.status_code == 409 and "volume is in use" in e.value.explanation
        assert name in stack.doca("volume", "ls", "-q").stdout.split()
    finally:
        stack.doca("rm", "-f", ctr)


def test_a_bad_driver_and_a_bad_body(api, stack, name):
    with pytest.raises(docker.errors.NotFound) as e:
        api.create_volume(name, driver="no-such-driver")
    assert 'plugin "no-such-driver" not found' in e.value.explanation
    with pytest.raises(docker.errors.APIError) as e:
        api.create_volume(name, labels={"a": 1})  # Labels must be strings
    assert e.value.status_code == 400
    assert name not in stack.doca("volume", "ls", "-q").stdout.split()


def test_prune_takes_anonymous_ones_unless_all(client, api, stack, name):
    anon = client.volumes.create(labels={"d4prune": "1"}).name  # no name: anonymous, 64 hex
    client.volumes.create(name=name, labels={"d4prune": "1"})
    try:
        r = api.prune_volumes(filters={"label": "d4prune=1"})
        assert r["VolumesDeleted"] == [anon]
        assert name in stack.doca("volume", "ls", "-q").stdout.split()
        r = api.prune_volumes(filters={"label": "d4prune=1", "all": "true"})
        assert r["VolumesDeleted"] == [name] and r["SpaceReclaimed"] == 0
        with pytest.raises(docker.errors.APIError) as e:
            api.prune_volumes(filters={"until": "10m"})
        assert e.value.status_code == 400 and "invalid filter 'until'" in e.value.explanation
    finally:
        stack.doca("volume", "rm", "-f", anon, check=False)


def test_prune_on_api_1_41_takes_named_ones_too(stack, name):
    old = docker.APIClient(base_url=stack.docker_host, version="1.41")
    try:
        old.create_volume(name, labels={"d4old": "1"})
        assert old.prune_volumes(filters={"label": "d4old=1"})["VolumesDeleted"] == [name]
        assert old.volumes()["Warnings"] is None  # 20.10's null
    finally:
        old.close()


def test_docker_cli_volume_verbs(docker_cli, stack, name):
    assert docker_cli("volume", "create", "--label", "k=v", name).stdout.strip() == name
    assert docker_cli("volume", "inspect", "-f", "{{.Name}} {{.Labels.k}}", name).stdout.strip() == f"{name} v"
    assert name in docker_cli("volume", "ls", "-q", "--filter", "label=k=v").stdout.split()
    r = docker_cli("volume", "rm", "no-such-d4-volume", check=False)
    assert r.returncode == 1 and "no such volume" in r.stderr
    assert docker_cli("volume", "rm", name).stdout.strip() == name
    assert name not in stack.doca("volume", "ls", "-q").stdout.split()


def test_df_and_prune_measure_a_volume(api, stack, name):
    api.create_volume(name, labels={"d4size": "1"})
    stack.doca("run", "--rm", "-v", f"{name}:/d", "busybox", "sh", "-c",
               "head -c 12345 /dev/zero > /d/f; ln /d/f /d/g; mkdir /d/sub; head -c 100 /dev/zero > /d/sub/x")
    df = api._result(api._get(api._url("/system/df"), params={"type": "volume"}), json=True)
    assert next(v for v in df["Volumes"] if v["Name"] == name)["UsageData"] == {"RefCount": 0, "Size": 12445}
    r = api.prune_volumes(filters={"label": "d4size=1", "all": "true"})
    assert r == {"VolumesDeleted": [name], "SpaceReclaimed": 12445}


def test_docker_cli_volume_prune(docker_cli, api, stack, name):
    api.create_volume(name, labels={"d4cli": "1"})
    anon = api.create_volume(labels={"d4cli": "1"})["Name"]
    try:
        out = docker_cli("volume", "prune", "-f", "--filter", "label=d4cli=1").stdout
        assert anon in out and name not in out  # docker 28: anonymous ones only
        out = docker_cli("volume", "prune", "-f", "-a", "--filter", "label=d4cli=1").stdout
        assert name in out and "Total reclaimed space" in out
        assert name not in stack.doca("volume", "ls", "-q").stdout.split()
    finally:
        stack.doca("volume", "rm", "-f", anon, check=False)
