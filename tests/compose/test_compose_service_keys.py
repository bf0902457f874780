"""A service's keys reach the container as `docker compose` makes them:
container_name, hostname, user, labels (list form), env_file, restart,
limits (memory, cpus, pids), bind and volume mounts in short and long
syntax, an external network (used, never removed) and a missing one
(refused)."""
import json

COMPOSE = """\
services:
  box:
    image: busybox
    container_name: custom-box
    hostname: boxhost
    user: "65534"
    init: true
    command: sleep 300
    restart: unless-stopped
    labels: ["team=core", "empty="]
    env_file: [vars.env]
    environment: [OVERRIDDEN=by-environment]
    deploy:
      resources:
        limits: {memory: 32m, cpus: "0.5", pids: 40}
    volumes:
      - ./data:/bind-short:ro
      - type: bind
        source: ./data
        target: /bind-long
      - type: volume
        source: store
        target: /vol-long
      - anon:/vol-short
      - /vol-anonymous
    networks: [outside, default]
networks:
  outside:
    external: true
    name: ${EXTERNAL_NET}
volumes:
  store:
  anon:
"""


def test_service_keys(stack, compose):
    before = set(stack.doca("volume", "ls", "-q").stdout.split())
    (compose.folder / "compose.yaml").write_text(COMPOSE)
    (compose.folder / "vars.env").write_text("FROM_ENV_FILE=1\nOVERRIDDEN=by-file\n")
    (compose.folder / "data").mkdir()
    (compose.folder / "data" / "f").write_text("on the host\n")
    r = compose("up", "-d", env={"EXTERNAL_NET": "d5-missing-net"}, check=False)
    assert r.returncode == 1 and "network d5-missing-net declared as external, but could not be found" in r.stderr
    stack.doca("network", "create", "d5-external-net")
    env = {"EXTERNAL_NET": "d5-external-net"}
    try:
        compose("up", "-d", env=env)
        doc = json.loads(stack.doca("inspect", "custom-box").stdout)[0]
        config, host = doc["Config"], doc["HostConfig"]
        assert (config["Hostname"], config["User"]) == ("boxhost", "65534")
        assert (config["Labels"]["team"], config["Labels"]["empty"]) == ("core", "")
        assert {"FROM_ENV_FILE=1", "OVERRIDDEN=by-environment"} <= set(config["Env"])
        assert host["RestartPolicy"]["Name"] == "unless-stopped"
        assert (host["Memory"], host["NanoCpus"], host["PidsLimit"]) == (32 << 20, 500_000_000, 40)
        assert sorted(doc["NetworkSettings"]["Networks"]) == ["app_default", "d5-external-net"]
        aliases = doc["NetworkSettings"]["Networks"]["d5-external-net"]["Aliases"] or []
        assert "box" in aliases
        out = compose("exec", "-T", "box", "sh", "-c",
                      "cat /bind-short/f /bind-long/f; touch /bind-short/x 2>/dev/null || echo read-only; "
                      "grep -q ' /vol-long ' /proc/mounts && echo mounted", env=env).stdout
        assert out == "on the host\non the host\nread-only\nmounted\n"
        mounts = {m["Destination"]: m for m in doc["Mounts"]}
        assert mounts["/vol-long"]["Name"] == "app_store" and mounts["/bind-long"]["Type"] == "bind"
        assert mounts["/vol-short"]["Name"] == "app_anon" and mounts["/vol-anonymous"]["Type"] == "volume"
    finally:
        down = compose("down", "-v", "-t", "0", env=env, check=False)
        kept = "d5-external-net" in stack.doca("network", "ls").stdout
        stack.doca("network", "rm", "d5-external-net", check=False)
    assert down.returncode == 0, down.stderr
    assert kept  # external: not the project's to remove
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
    assert set(stack.doca("volume", "ls", "-q").stdout.split()) == before  # named and anonymous gone


def test_keys_that_are_one_flag_each(stack, compose):
    (compose.folder / "compose.yaml").write_text(
        "services:\n"
        "  main:\n    image: busybox\n    init: true\n    command: sleep 300\n"
        "    ulimits:\n      nofile: {soft: 1000, hard: 2000}\n      nproc: 500\n"
        "    sysctls: {net.ipv4.ip_unprivileged_port_start: '0'}\n"
        "    security_opt: [no-new-privileges]\n"
        "    logging: {driver: json-file, options: {max-size: 1m}}\n"
        "    mem_reservation: 16m\n    cpu_shares: 512\n    group_add: ['100']\n    dns_search: example.com\n"
        "  side:\n    image: busybox\n    init: true\n    command: sleep 300\n    network_mode: service:main\n")
    try:
        compose("up", "-d")
        host = json.loads(stack.doca("inspect", "app-main-1").stdout)[0]["HostConfig"]
        assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1000, "Hard": 2000},
                                   {"Name": "nproc", "Soft": 500, "Hard": 500}]
        assert host["Sysctls"] == {"net.ipv4.ip_unprivileged_port_start": "0"}
        assert host["SecurityOpt"] == ["no-new-privileges"]
        assert host["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m"}}
        assert (host["MemoryReservation"], host["CpuShares"], host["GroupAdd"], host["DnsSearch"]) == \
            (16 << 20, 512, ["100"], ["example.com"])
        main_id = stack.doca("inspect", "-f", "{{.Id}}", "app-main-1").stdout.strip()
        assert stack.doca("inspect", "-f", "{{.HostConfig.NetworkMode}}", "app-side-1").stdout.strip() == \
            f"container:{main_id}"
        assert compose("exec", "-T", "side", "hostname").stdout == compose("exec", "-T", "main", "hostname").stdout
    finally:
        compose("down", "-t", "0", check=False)
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
    (compose.folder / "compose.yaml").write_text(
        "services:\n  a:\n    image: busybox\n    network_mode: host\n    networks: [default]\n")
    r = compose("config", check=False)
    assert r.returncode == 15 and "mutually exclusive `network_mode` and `networks`" in r.stderr
