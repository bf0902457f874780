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
