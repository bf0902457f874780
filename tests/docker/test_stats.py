"""GET /containers/{id}/stats: Docker's stats JSON, streamed and one-shot,
read by the SDK and by `docker stats` (the same figures as `doca stats`)."""
import docker
import pytest


def test_one_sample_as_docker_shapes_it(stack, api, names):
    n = names()
    stack.doca("run", "-d", "--name", n, "-m", "64m", "--pids-limit", "50", "busybox", "sleep", "300")
    s = api.stats(n, stream=False)
    cid = api.inspect_container(n)["Id"]
    assert (s["name"], s["id"]) == (f"/{n}", cid)
    cpu, pre = s["cpu_stats"], s["precpu_stats"]
    assert cpu["online_cpus"] >= 1 and cpu["system_cpu_usage"] >= pre["system_cpu_usage"] > 0
    assert cpu["cpu_usage"]["total_usage"] >= pre["cpu_usage"]["total_usage"] > 0
    assert s["preread"] != "0001-01-01T00:00:00Z"  # two readings, as dockerd's stream=false
    mem = s["memory_stats"]
    assert mem["limit"] == 64 * 1024 * 1024 and 0 < mem["usage"] <= mem["limit"]
    assert "total_inactive_file" in mem["stats"]
    assert s["pids_stats"] == {"current": 1, "limit": 50}
    assert set(s["blkio_stats"]) >= {"io_service_bytes_recursive"}
    assert s["networks"]["eth0"]["rx_bytes"] >= 0  # on the default bridge
    one = api.stats(n, stream=False, one_shot=True)
    assert one["precpu_stats"]["cpu_usage"]["total_usage"] == 0 and "system_cpu_usage" not in one["precpu_stats"]


def test_a_stream_of_samples(stack, api, names):
    n = names()
    stack.doca("run", "-d", "--name", n, "--network", "none", "busybox", "sleep", "300")
    stream = api.stats(n, decode=True)
    first, second = next(stream), next(stream)
    stream.close()
    assert second["preread"] == first["read"] and second["read"] > first["read"]
    assert "networks" not in first  # --network none: no interface of its own, as dockerd
    assert api.inspect_container(n)["State"]["Running"]


def test_a_stopped_container_has_empty_stats(stack, api, names):
    n = names()
    stack.doca("create", "--name", n, "busybox", "true")
    s = api.stats(n, stream=False)
    assert s["read"] == "0001-01-01T00:00:00Z" and s["memory_stats"] == {} and s["pids_stats"] == {}
    with pytest.raises(docker.errors.NotFound, match="No such container: d2-nothing"):
        api.stats("d2-nothing", stream=False)


def test_docker_stats_shows_what_doca_stats_shows(stack, docker_cli, names):
    n = names()
    stack.doca("run", "-d", "--name", n, "-m", "64m", "busybox", "sh", "-c", "while true; do :; done")
    fmt = "{{.Name}} {{.MemUsage}} {{.PIDs}}"
    docker_row = docker_cli("stats", "--no-stream", "--format", fmt, n).stdout.split()
    doca_row = stack.doca("stats", "--no-stream", "--format", fmt, n).stdout.split()
    assert docker_row[0] == n and docker_row[2:] == ["/", "64MiB", "1"]
    assert docker_row[2:] == doca_row[2:]
    cpu = docker_cli("stats", "--no-stream", "--format", "{{.CPUPerc}}", n).stdout.strip()
    assert cpu.endswith("%") and float(cpu[:-1]) > 5  # a busy loop: the CPU time between two readings
