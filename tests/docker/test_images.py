"""Images through the Docker Engine API: list, inspect, history, tag,
remove, search, save/load, prune, import and commit, with the Docker SDK and
the docker CLI; doca's own CLI sees the same images."""
import io
import json
import tarfile

import docker
import pytest


def rootfs_tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_list_shapes_as_docker(api, stack):
    images = api.images()
    bb = next(i for i in images if "busybox:latest" in (i["RepoTags"] or []))
    assert bb["Id"].startswith("sha256:") and isinstance(bb["Created"], int) and bb["Size"] > 0
    assert bb["Containers"] == -1 and bb["SharedSize"] == -1 and "VirtualSize" not in bb  # 1.44+
    assert bb["Labels"] is None and bb["ParentId"] == ""
    assert stack.doca("images", "-q", "--no-trunc", "busybox").stdout.split() == [bb["Id"]]
    # API 1.41: VirtualSize is there
    old = docker.APIClient(base_url=stack.docker_host, version="1.41")
    try:
        assert next(i for i in old.images() if i["Id"] == bb["Id"])["VirtualSize"] == bb["Size"]
    finally:
        old.close()


def test_list_filters_and_shared_size(api, client, tags):
    client.images.get("busybox").tag("d3-list", "a")
    tags.append("d3-list:a")
    assert [i["RepoTags"] for i in api.images(name="d3-list")] == [["d3-list:a"]]
    assert api.images(filters={"reference": "d3-*:a"})[0]["RepoTags"] == ["d3-list:a"]
    assert api.images(filters={"dangling": True, "reference": "d3-list"}) == []
    with pytest.raises(docker.errors.APIError) as e:
        api.images(filters={"nope": "x"})
    assert e.value.status_code == 400 and "invalid filter" in str(e.value)
    shared = api._result(api._get(api._url("/images/json"), params={"shared-size": 1}), True)
    bb = next(i for i in shared if "d3-list:a" in i["RepoTags"])
    assert bb["Containers"] >= 0 and bb["SharedSize"] >= 0


def test_inspect_and_history(api, client, stack):
    doc = api.inspect_image("busybox")
    assert doc["Id"].startswith("sha256:") and doc["RepoTags"] == ["busybox:latest"]
    # Docker's key order (docker image inspect prints the body as it comes); 1.50: no VirtualSize, Container
    assert list(doc)[:3] == ["Id", "RepoTags", "RepoDigests"] and list(doc)[-1] == "Metadata"
    assert "VirtualSize" not in doc and "Container" not in doc
    assert list(doc["Config"])[:3] == ["Hostname", "Domainname", "User"]
    old = docker.APIClient(base_url=stack.docker_host, version="1.41")
    try:
        assert old.inspect_image("busybox")["VirtualSize"] == doc["Size"]
    finally:
        old.close()
    assert doc["Config"]["Cmd"] == json.loads(stack.doca("image", "inspect", "busybox").stdout)[0]["Config"]["Cmd"]
    h = api.history("busybox")
    assert h[0]["Id"] == doc["Id"] and h[0]["Tags"] == ["busybox:latest"] and isinstance(h[0]["Created"], int)
    assert client.images.get("busybox").id == doc["Id"]
    for call in (lambda: api.inspect_image("d3-missing"), lambda: api.history("d3-missing:1")):
        with pytest.raises(docker.errors.ImageNotFound):
            call()


def test_tag_and_remove(api, stack, tags):
    tags.append("d3-tag:one")
    assert api.tag("busybox", "d3-tag", "one") is True
    assert "d3-tag:one" in stack.doca("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    with pytest.raises(docker.errors.APIError) as e:
        api.tag("busybox", "D3-Bad", "x")
    assert e.value.status_code in (400, 500) and "lowercase" in str(e.value)
    with pytest.raises(docker.errors.ImageNotFound):
        api.tag("d3-missing", "d3-tag", "two")
    r = api._post(api._url("/images/busybox/tag"), params={"repo": "d3-tag:zero", "tag": "one"})  # tag replaces
    assert r.status_code == 201
    assert api.remove_image("d3-tag:one") == [{"Untagged": "d3-tag:one"}]
    with pytest.raises(docker.errors.ImageNotFound):
        api.remove_image("d3-tag:one")
    with pytest.raises(docker.errors.APIError) as e:
        api.remove_image("busybox", noprune=True)
    assert e.value.status_code == 400 and "noprune" in str(e.value)


def test_remove_of_an_image_in_use_is_a_conflict(api, client, tags):
    client.images.get("busybox").tag("d3-used", "1")
    tags.append("d3-used:1")
    ctr = api.create_container("d3-used:1", "true")
    try:
        api.tag("busybox", "d3-used", "2")
        tags.append("d3-used:2")
        with pytest.raises(docker.errors.APIError) as e:  # by id: two tags and a container
            api.remove_image(client.images.get("d3-used:1").id)
        assert e.value.status_code == 409
    finally:
        api.remove_container(ctr["Id"], force=True)


def test_search_is_refused_clearly(api):
    with pytest.raises(docker.errors.APIError) as e:
        api.search("busybox")
    assert e.value.status_code == 501 and "search" in str(e.value)


def test_save_and_load_with_the_sdk(api, client, stack, tags):
    client.images.get("busybox").tag("d3-save", "1")
    tags.append("d3-save:1")
    data = b"".join(api.get_image("d3-save:1"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest[0]["RepoTags"] == ["d3-save:1"]
    api.remove_image("d3-save:1")
    loaded = client.images.load(data)
    assert len(loaded) == 1 and "d3-save:1" in loaded[0].tags
    # several names at once: GET /images/get?names=
    r = api._get(api._url("/images/get"), params={"names": ["d3-save:1", "busybox"]}, stream=True)
    with tarfile.open(fileobj=io.BytesIO(r.content)) as tar:
        tagged = sorted(t for m in json.load(tar.extractfile("manifest.json")) for t in m["RepoTags"] or [])
    assert tagged == ["busybox:latest", "d3-save:1"]
    with pytest.raises(docker.errors.ImageNotFound):
        b"".join(api.get_image("d3-missing:1"))
    with pytest.raises(docker.errors.APIError) as e:
        list(api.load_image(b"not a tar at all"))
    assert e.value.status_code in (400, 500)


def test_save_pipe_load_with_the_docker_cli(docker_cli, stack, tags):
    docker_cli("tag", "busybox", "d3-cli-save:1")
    tags.append("d3-cli-save:1")
    tar = docker_cli("save", "d3-cli-save:1", input=b"").stdout
    docker_cli("rmi", "d3-cli-save:1")
    out = docker_cli("load", input=tar).stdout
    assert b"Loaded image: d3-cli-save:1" in out
    assert stack.doca("images", "-q", "d3-cli-save:1").stdout.strip()


def test_import_from_the_body(api, client, stack, tags):
    tags.append("d3-import:1")
    tar = rootfs_tar({"hello.txt": b"imported\n"})
    out = api.import_image_from_data(tar, repository="d3-import", tag="1", changes=["ENV D3=yes"])
    image_id = json.loads(out.strip().splitlines()[-1])["status"]
    img = client.images.get("d3-import:1")
    assert img.id == image_id and "D3=yes" in img.attrs["Config"]["Env"]
    with pytest.raises(docker.errors.APIError) as e:
        api.import_image_from_url("http://127.0.0.1:1/rootfs.tar", repository="d3-import", tag="2")
    assert e.value.status_code == 400 and "fromSrc" in str(e.value)


def test_commit_with_the_sdk_and_the_cli(api, client, docker_cli, stack, tags):
    tags += ["d3-commit:1", "d3-commit:2"]
    ctr = client.containers.run("busybox", ["sh", "-c", "echo committed > /made.txt"], detach=True)
    try:
        ctr.wait()
        img = ctr.commit("d3-commit", "1", message="why", author="me", changes=["LABEL d3=yes"],
                         conf={"Cmd": ["cat", "/made.txt"], "Env": ["D3=$HOME \"q\""], "Labels": {"cost": "$5"},
                               "WorkingDir": "/", "ExposedPorts": {"8080/tcp": {}}})
        assert img.attrs["Comment"] == "why" and img.attrs["Author"] == "me"
        assert img.labels == {"d3": "yes", "cost": "$5"} and img.attrs["Config"]["Cmd"] == ["cat", "/made.txt"]
        assert 'D3=$HOME "q"' in img.attrs["Config"]["Env"]  # as sent: no expansion
        assert "8080/tcp" in img.attrs["Config"]["ExposedPorts"]
        assert client.containers.run("d3-commit:1", remove=True) == b"committed\n"
        docker_cli("commit", "-c", "ENV X=1", ctr.id, "d3-commit:2")
        assert "X=1" in client.images.get("d3-commit:2").attrs["Config"]["Env"]
        for conf in ({"Hostname": "x"}, {"Env": "A=1"}, {"Labels": {"a": 1}}):
            with pytest.raises(docker.errors.APIError) as e:
                api.commit(ctr.id, "d3-commit", "3", conf=conf)
            assert e.value.status_code == 400 and "Config." in str(e.value)
    finally:
        ctr.remove(force=True)
    with pytest.raises(docker.errors.NotFound):
        api.commit("d3-no-such-container", "d3-commit", "4")


def test_prune_dangling_and_filters(api, client, stack, tags):
    tar = rootfs_tar({"p.txt": b"p\n"})
    out = api.import_image_from_data(tar, changes=["LABEL d3prune=1"])  # untagged: dangling
    image_id = json.loads(out.strip().splitlines()[-1])["status"]
    r = api.prune_images(filters={"label": "d3prune=1"})
    assert {"Deleted": image_id} in r["ImagesDeleted"] and r["SpaceReclaimed"] >= 0
    assert api.prune_images(filters={"label": "d3prune=1"}) == {"ImagesDeleted": None, "SpaceReclaimed": 0}
    with pytest.raises(docker.errors.APIError) as e:
        api.prune_images(filters={"dangling": "maybe"})
    assert e.value.status_code == 400


@pytest.mark.parametrize("version, dangling_tags, virtual", [("1.41", ["<none>:<none>"], True),
                                                              ("1.43", [], True), ("1.44", [], False)])
def test_list_of_a_dangling_image_by_version(api, stack, version, dangling_tags, virtual):
    out = api.import_image_from_data(rootfs_tar({"d.txt": b"d\n"}))
    image_id = json.loads(out.strip().splitlines()[-1])["status"]
    c = docker.APIClient(base_url=stack.docker_host, version=version)
    try:
        img = next(i for i in c.images(all=True) if i["Id"] == image_id)
        assert img["RepoTags"] == dangling_tags and ("VirtualSize" in img) == virtual
    finally:
        c.close()
        api.remove_image(image_id)


def test_another_platform_is_refused_not_ignored(api):
    arm = json.dumps({"os": "linux", "architecture": "arm64"})
    for path, params in (("/images/busybox/json", {"platform": arm}), ("/images/busybox/history", {"platform": arm}),
                         ("/images/busybox/get", {"platform": arm})):
        r = api._get(api._url(path), params=params)
        assert r.status_code == 400 and "platform" in r.json()["message"], path
    r = api._delete(api._url("/images/d3-missing:1"), params={"platforms": arm})
    assert r.status_code == 400 and "platform" in r.json()["message"]
    amd = json.dumps({"os": "linux", "architecture": "amd64"})
    assert api._get(api._url("/images/busybox/json"), params={"platform": amd}).status_code == 200
