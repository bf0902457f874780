"""A two-service application end to end: `web` built from a Dockerfile
(busybox httpd serving a file from a named volume the image seeds), on a
user network with an alias and a port published on 127.0.0.1, with a
healthcheck; `client`, which waits for web to be healthy and reaches it by
its service name and its alias. Labels as Docker Compose writes them; ps,
logs, exec, run, stop/start, and down -v leaving nothing behind."""
import json
import urllib.request

from tests.support.stack import free_port
from tests.support.waiting import wait_for

COMPOSE = """\
services:
  web:
    build:
      context: ./web
      args:
        GREETING: ${GREETING:-hello}
    ports:
      - "127.0.0.1:${WEB_PORT}:80"
    volumes:
      - site:/www
    networks:
      back:
        aliases: [www]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost/"]
      interval: 1s
      retries: 30
    deploy:
      resources:
        limits: {memory: 64m, pids: 64}
    labels:
      mine: "yes"
  client:
    image: busybox
    init: true
    command: sh -c 'wget -q -O - http://web/ && wget -q -O - http://www/ && exec sleep 300'
    depends_on:
      web:
        condition: service_healthy
    networks: [back]
networks:
  back:
volumes:
  site:
"""

DOCKERFILE = """\
FROM busybox
ARG GREETING
RUN mkdir -p /www && echo "$GREETING from web" > /www/index.html
CMD ["httpd", "-f", "-h", "/www", "-p", "80"]
"""


def _project(stack, project: str) -> dict:
    """What the engine holds of the project: containers, networks, volumes (by name)."""
    label = f"label=com.docker.compose.project={project}"
    return {kind: stack.doca(*cmd, "--filter", label, "--format", "{{.Names}}" if kind == "containers"
                             else "{{.Name}}").stdout.split()
            for kind, cmd in (("containers", ("ps", "-a")), ("networks", ("network", "ls")),
                              ("volumes", ("volume", "ls")))}


def test_two_service_app(stack, compose):
    (compose.folder / "web").mkdir()
    (compose.folder / "web" / "Dockerfile").write_text(DOCKERFILE)
    (compose.folder / "compose.yaml").write_text(COMPOSE)
    port = free_port()
    (compose.folder / ".env").write_text(f"WEB_PORT={port}\nGREETING=bonjour\n")
    project = "app"
    try:
        up = compose("up", "-d")
        assert "Container app-web-1  Healthy" in up.stderr
        assert _project(stack, project) == {"containers": ["app-client-1", "app-web-1"], "networks": ["app_back"],
                                            "volumes": ["app_site"]}
        # the published port, from the host
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.read() == b"bonjour from web\n"
        # the client reached web by service name and alias (its log), after web was healthy
        wait_for(lambda: compose("logs", "client").stdout.count("\n") >= 2, timeout=30)
        logs = compose("logs", "client").stdout
        assert logs == "client-1  | bonjour from web\nclient-1  | bonjour from web\n"  # Compose's short name
        assert compose("exec", "-T", "client", "wget", "-q", "-O", "-", "http://www/").stdout == "bonjour from web\n"
        ps = compose("ps").stdout.splitlines()
        assert ps[0].split() == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
        web = next(line for line in ps if line.startswith("app-web-1 "))
        assert "(healthy)" in web and f"127.0.0.1:{port}->80/tcp" in web and " web " in web
        assert sorted(compose("ps", "-q").stdout.split()) == sorted(
            stack.doca("ps", "-q", "--no-trunc", "--filter", "label=com.docker.compose.project=app").stdout.split())

        doc = json.loads(stack.doca("inspect", "app-web-1").stdout)[0]
        labels = doc["Config"]["Labels"]
        compose_labels = {k: v for k, v in labels.items() if k.startswith("com.docker.compose.")}
        assert compose_labels.keys() >= {"com.docker.compose.project", "com.docker.compose.service",
                                         "com.docker.compose.container-number", "com.docker.compose.oneoff",
                                         "com.docker.compose.project.working_dir",
                                         "com.docker.compose.project.config_files",
                                         "com.docker.compose.config-hash", "com.docker.compose.version"}
        assert (labels["com.docker.compose.project"], labels["com.docker.compose.service"],
                labels["com.docker.compose.container-number"], labels["com.docker.compose.oneoff"],
                labels["mine"]) == ("app", "web", "1", "False", "yes")
        assert labels["com.docker.compose.project.working_dir"] == str(compose.folder)
        assert labels["com.docker.compose.project.config_files"] == str(compose.folder / "compose.yaml")
        assert doc["Config"]["Image"] == "app-web"
        assert labels["com.docker.compose.image"] == stack.doca("image", "inspect", "-f", "{{.Id}}",
                                                                "app-web").stdout.strip()
        assert labels["com.docker.compose.depends_on"] == ""
        assert json.loads(stack.doca("inspect", "app-client-1").stdout)[0]["Config"]["Labels"][
            "com.docker.compose.depends_on"] == "web:service_healthy:false"
        assert doc["HostConfig"]["Memory"] == 64 * 1024 * 1024 and doc["HostConfig"]["PidsLimit"] == 64
        net = json.loads(stack.doca("network", "inspect", "app_back").stdout)[0]
        assert net["Labels"] == {"com.docker.compose.network": "back", "com.docker.compose.project": "app",
                                 "com.docker.compose.version": labels["com.docker.compose.version"]}
        vol = json.loads(stack.doca("volume", "inspect", "app_site").stdout)[0]
        assert vol["Labels"] == {"com.docker.compose.project": "app", "com.docker.compose.volume": "site",
                                 "com.docker.compose.version": labels["com.docker.compose.version"]}

        # a second up changes nothing; a one-off run is labelled so and removed
        again = compose("up", "-d")
        assert "Created" not in again.stderr and "Container app-web-1  Running" in again.stderr
        assert compose("run", "--rm", "-T", "client", "wget", "-q", "-O", "-", "http://web/").stdout == \
            "bonjour from web\n"
        assert _project(stack, project)["containers"] == ["app-client-1", "app-web-1"]
        # a changed service is made again, the others stay
        old = stack.doca("inspect", "-f", "{{.Id}}", "app-web-1").stdout
        recreated = compose("up", "-d", "--build", env={"GREETING": "salut"}).stderr
        assert "Container app-web-1  Recreated" in recreated and "app-client-1  Recreate" not in recreated
        assert stack.doca("inspect", "-f", "{{.Id}}", "app-web-1").stdout != old
        compose("stop", "-t", "1", "client")
        assert "Exited" in stack.doca("ps", "-a", "--filter", "name=app-client-1", "--format", "{{.Status}}").stdout
        compose("start", "client")
        assert stack.doca("inspect", "-f", "{{.State.Running}}", "app-client-1").stdout.strip() == "true"
    finally:
        down = compose("down", "-v", "-t", "1", check=False)
        stack.doca("rmi", "-f", "app-web", check=False)
        stack.doca("image", "prune", "-f", check=False)  # the image --build replaced
    assert down.returncode == 0, down.stderr
    assert _project(stack, project) == {"containers": [], "networks": [], "volumes": []}


def test_down_without_volumes_keeps_them_and_conditions(stack, compose):
    """down keeps named volumes without -v; service_completed_successfully
    waits for the one-shot service's exit 0, and a failing one stops up."""
    (compose.folder / "compose.yaml").write_text(
        "services:\n"
        "  init:\n    image: busybox\n    command: sh -c 'echo seeded > /data/seed'\n    volumes: [data:/data]\n"
        "  main:\n    image: busybox\n    command: sh -c 'cat /data/seed; exec sleep 300'\n    init: true\n"
        "    volumes: [data:/data]\n"
        "    depends_on:\n      init: {condition: service_completed_successfully}\n"
        "volumes:\n  data:\n")
    try:
        compose("-p", "seq", "up", "-d")
        assert wait_for(lambda: compose("-p", "seq", "logs", "--no-log-prefix", "main").stdout) == "seeded\n"
        compose("-p", "seq", "down", "-t", "1")
        assert _project(stack, "seq") == {"containers": [], "networks": [], "volumes": ["seq_data"]}
        (compose.folder / "compose.yaml").write_text(
            "services:\n  init:\n    image: busybox\n    command: 'false'\n"
            "  main:\n    image: busybox\n    depends_on:\n      init: {condition: service_completed_successfully}\n")
        r = compose("-p", "seq", "up", "-d", check=False)
        assert r.returncode != 0 and 'service "init" didn\'t complete successfully: exit 1' in r.stderr
    finally:
        compose("-p", "seq", "down", "-v", "-t", "1", "--remove-orphans", check=False)
        stack.doca("volume", "rm", "-f", "seq_data", check=False)
    assert _project(stack, "seq") == {"containers": [], "networks": [], "volumes": []}
