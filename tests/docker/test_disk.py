"""GET /system/df through the Engine API: Docker's document, the same
numbers doca's system df has; ?type= from API 1.42; docker system df."""
import uuid

import docker
import pytest


def test_df_as_docker_shapes_it(api, stack):
    vol = f"d4df-{uuid.uuid4().hex[:8]}"
    cid = stack.doca("create", "--label", "d4=df", "-v", f"{vol}:/data", "busybox", "true").stdout.strip()
    try:
        df = api.df()
        assert set(df) >= {"LayersSize", "Images", "Containers", "Volumes", "BuildCache"}
        assert isinstance(df["LayersSize"], int) and df["LayersSize"] > 0
        busybox = next(i for i in df["Images"] if "busybox:latest" in (i["RepoTags"] or []))
        assert busybox["Containers"] >= 1 and busybox["Size"] > 0 and busybox["Id"].startswith("sha256:")
        assert "VirtualSize" not in busybox  # gone from API 1.44
        ctr = next(c for c in df["Containers"] if c["Id"] == cid)
        assert ctr["Names"][0].startswith("/") and ctr["Image"] == "busybox" and ctr["State"] == "created"
        assert ctr["ImageID"] == busybox["Id"] and ctr["Labels"] == {"d4": "df"}
        assert isinstance(ctr["SizeRw"], int) and ctr["SizeRootFs"] >= busybox["Size"]
        v = next(v for v in df["Volumes"] if v["Name"] == vol)
        assert v["UsageData"]["RefCount"] == 1 and v["Driver"] == "local"
        assert df["BuildCache"] == []
        seen = stack.doca("system", "df", "--format", "{{.Type}} {{.TotalCount}}").stdout.splitlines()
        assert f"Images {len(df['Images'])}" in seen and f"Containers {len(df['Containers'])}" in seen
    finally:
        stack.doca("rm", "-v", cid)
        stack.doca("volume", "rm", "-f", vol, check=False)


def test_df_by_type(api, stack):
    r = api._get(api._url("/system/df"), params={"type": "volume"})
    doc = r.json()
    assert r.status_code == 200 and isinstance(doc["Volumes"], list)
    assert doc["Images"] is None and doc["Containers"] is None and doc["BuildCache"] is None
    r = api._get(api._url("/system/df"), params={"type": "nothing"})
    assert (r.status_code, r.json()["message"]) == (400, "unknown object type: nothing")


def test_df_on_api_1_41(stack):
    old = docker.APIClient(base_url=stack.docker_host, version="1.41")
    try:
        df = old.df()
        assert all("VirtualSize" in i for i in df["Images"]) and "BuilderSize" in df
        assert df["Images"] is not None  # ?type is 1.42's: ignored here
    finally:
        old.close()


@pytest.mark.parametrize("args", [(), ("-v",)])
def test_docker_cli_system_df(docker_cli, args):
    out = docker_cli("system", "df", *args).stdout
    assert "Images" in out and "Containers" in out and "Build" in out


def test_docker_cli_system_prune_with_a_label(docker_cli, api, stack):
    """docker system prune is the client's: containers, networks, volumes,
    images and build cache prunes in turn (POST /build/prune last)."""
    tag = uuid.uuid4().hex[:8]
    keep = stack.doca("create", "busybox", "true").stdout.strip()
    gone = stack.doca("create", "--label", "d4sp=1", "busybox", "true").stdout.strip()
    net = f"d4sp-{tag}"
    stack.doca("network", "create", "--label", "d4sp=1", net)
    vol = api.create_volume(labels={"d4sp": "1"})["Name"]  # anonymous: a 64-hex name
    try:
        out = docker_cli("system", "prune", "-f", "--volumes", "--filter", "label=d4sp=1").stdout
        assert gone in out and net in out and vol in out and "Total reclaimed space" in out
        assert stack.doca("ps", "-aq", "--no-trunc").stdout.split().count(keep) == 1
        assert gone not in stack.doca("ps", "-aq", "--no-trunc").stdout
        assert vol not in stack.doca("volume", "ls", "-q").stdout
        assert net not in stack.doca("network", "ls").stdout
    finally:
        stack.doca("rm", "-f", keep, gone, check=False)
        stack.doca("network", "rm", net, check=False)
        stack.doca("volume", "rm", "-f", vol, check=False)


def test_build_prune(api):
    r = api._post(api._url("/build/prune"), params={"filters": '{"id":["nothing-d4"]}'})
    assert r.status_code == 200 and r.json() == {"CachesDeleted": None, "SpaceReclaimed": 0}
    r = api._post(api._url("/build/prune"), params={"keep-storage": "abc"})
    assert r.status_code == 400 and "keep-storage is in bytes" in r.json()["message"]
    r = api._post(api._url("/build/prune"), params={"max-used-space": "1000"})
    assert r.status_code == 400 and "max-used-space" in r.json()["message"]


def test_no_plugins(api, docker_cli):
    assert api._result(api._get(api._url("/plugins")), json=True) == []
    r = api._get(api._url("/plugins/{0}/json", "some/plugin"))
    assert (r.status_code, r.json()["message"]) == (404, 'plugin "some/plugin" not found')
    assert docker_cli("plugin", "ls", "-q").stdout == ""
