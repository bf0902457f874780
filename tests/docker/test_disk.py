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
