"""Reading compose files: interpolation (.env, the shell, ${VAR:-d},
${VAR-d}, ${VAR:?err}, $$), the project's name, and bad files refused in
one line naming the key and the file, with Docker Compose's exit codes
(15: does not parse or validate, 14: no file). `compose config` shows the
resolved model; nothing reaches the engine."""
import json


def _config(compose, env=None) -> dict:
    return json.loads(compose("config", "--format", "json", env=env).stdout)


def test_interpolation_dotenv_and_shell(compose):
    (compose.folder / ".env").write_text("TAG=1.36\nEMPTY=\n# a comment\nexport QUOTED=\"a b\"\nFROM_ENV=dotenv\n")
    (compose.folder / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        "    image: busybox:${TAG}\n"
        "    command: echo $$HOME ${QUOTED}\n"
        "    environment:\n"
        "      UNSET_DEFAULT: ${NOPE:-fallback}\n"
        "      EMPTY_COLON: ${EMPTY:-colon-default}\n"
        "      EMPTY_DASH: ${EMPTY-dash-default}\n"
        "      UNSET_DASH: ${NOPE-dash}\n"
        "      NESTED: ${NOPE:-${TAG}}\n"
        "      FROM_ENV: ${FROM_ENV}\n"
        "      ALT: ${TAG:+set}\n")
    doc = _config(compose, env={"FROM_ENV": "shell"})
    web = doc["services"]["web"]
    assert web["image"] == "busybox:1.36"
    assert web["command"] == ["echo", "$HOME", "a", "b"]
    assert web["environment"] == {"UNSET_DEFAULT": "fallback", "EMPTY_COLON": "colon-default", "EMPTY_DASH": "",
                                  "UNSET_DASH": "dash", "NESTED": "1.36", "FROM_ENV": "shell", "ALT": "set"}
    assert doc["name"] == "app"  # the folder's name


def test_required_variable(compose):
    (compose.folder / "compose.yaml").write_text("services:\n  web:\n    image: ${IMAGE:?set IMAGE first}\n")
    r = compose("config", check=False)
    assert r.returncode == 15
    assert "required variable IMAGE is missing a value: set IMAGE first" in r.stderr
    assert "Traceback" not in r.stderr
    assert _config(compose, env={"IMAGE": "busybox"})["services"]["web"]["image"] == "busybox"


def test_unset_variable_warns_and_is_blank(compose):
    (compose.folder / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    user: \"${WHO}\"\n")
    r = compose("config", "--format", "json")
    assert 'The "WHO" variable is not set. Defaulting to a blank string.' in r.stderr
    assert "user" not in json.loads(r.stdout)["services"]["web"]


def test_project_name_rules(compose):
    (compose.folder / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    assert _config(compose, env={"COMPOSE_PROJECT_NAME": "fromenv"})["name"] == "fromenv"
    r = compose("-p", "Bad.Name", "config", check=False)
    assert r.returncode == 15 and 'invalid project name "Bad.Name"' in r.stderr
    other = compose.folder.parent / "My.App_2"
    other.mkdir()
    (other / "docker-compose.yml").write_text("name: ignored-by-p\nservices:\n  web:\n    image: busybox\n")
    r = compose("-f", str(other / "docker-compose.yml"), "config", "--format", "json")
    assert json.loads(r.stdout)["name"] == "ignored-by-p"
    (other / "docker-compose.yml").write_text("services:\n  web:\n    image: busybox\n")
    r = compose("-f", str(other / "docker-compose.yml"), "config", "--format", "json")
    assert json.loads(r.stdout)["name"] == "myapp_2"  # the folder's, lowered, '.' dropped


def test_unknown_key_is_refused_naming_it_and_the_file(compose):
    path = compose.folder / "compose.yaml"
    path.write_text("services:\n  web:\n    image: busybox\n    imagee: typo\n")
    r = compose("config", check=False)
    assert r.returncode == 15
    assert r.stderr.strip().splitlines()[-1] == \
        f"doca: validating {path}: services.web additional properties 'imagee' not allowed"
    path.write_text("services:\n  web:\n    image: busybox\n    x-mine: fine\nx-top: {a: 1}\n")
    compose("config", "-q")
    path.write_text("services:\n  web:\n    image: busybox\n    deploy:\n      resources:\n"
                    "        limits: {memory: 64m, gpus: 1}\n")
    r = compose("config", check=False)
    assert r.returncode == 15 and "services.web.deploy.resources.limits additional properties 'gpus'" in r.stderr


def test_bad_files(compose):
    path = compose.folder / "compose.yaml"
    r = compose("config", check=False)
    assert r.returncode == 14 and "no configuration file provided: not found" in r.stderr
    for text, words in (
            ("services:\n  web:\n    image: [unclosed\n", "yaml:"),
            ("services:\n  web:\n    image: busybox\n    networks: [nowhere]\n",
             'service "web" refers to undefined network nowhere'),
            ("services:\n  web:\n    image: busybox\n    volumes: ['gone:/data']\n",
             'service "web" refers to undefined volume gone'),
            ("services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n"
             "    depends_on: [a]\n", "dependency cycle detected"),
            ("services:\n  a:\n    image: busybox\n    depends_on: [ghost]\n",
             'service "a" depends on undefined service "ghost"'),
            ("services:\n  a:\n    command: echo\n", 'service "a" has neither an image nor a build context'),
            ("services:\n  a:\n    image: [busybox]\n", "services.a.image must be a string"),
            ("services:\n  a:\n    image: busybox\n    init: 5\n", "services.a.init must be a boolean"),
            ("services:\n  a:\n    image: busybox\n    environment: {A: [1]}\n",
             "services.a.environment must hold strings"),
            ("services:\n  a:\n    image: busybox\n    volumes: [data]\n", "invalid mount path 'data'"),
            ("services:\n  a:\n    image: busybox\n    ports: [{target: http}]\n", "invalid port 'http'"),
            ("services:\n  a:\n    image: busybox\n    stop_grace_period: soon\n", "invalid duration 'soon'"),
            ("services:\n  a:\n    image: busybox\n    depends_on:\n      b: {condition: whenever}\n"
             "  b:\n    image: busybox\n", "condition must be one of"),
            ("services:\n  a:\n    image: ${BROKEN\n", "invalid interpolation format for services.a.image"),
            ("services: []\n", "must be a mapping")):
        path.write_text(text)
        r = compose("config", check=False)
        assert r.returncode == 15, (text, r.stderr)
        assert words in r.stderr, (text, r.stderr)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr


def test_files_merge_in_order_and_the_override_file(compose):
    (compose.folder / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    environment: {A: '1', B: '1'}\n    ports: ['80']\n")
    (compose.folder / "compose.override.yaml").write_text(
        "services:\n  web:\n    environment: {B: '2'}\n    ports: ['81']\n")
    web = _config(compose)["services"]["web"]
    assert web["environment"] == {"A": "1", "B": "2"}
    assert [p["target"] for p in web["ports"]] == [80, 81]
    (compose.folder / "other.yaml").write_text("services:\n  web:\n    image: alpine\n")
    r = compose("-f", "compose.yaml", "-f", "other.yaml", "config", "--format", "json")
    assert json.loads(r.stdout)["services"]["web"]["image"] == "alpine"


def test_profiles(compose):
    (compose.folder / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox\n  debug:\n    image: busybox\n    profiles: [dev]\n"
        "  tools:\n    image: busybox\n    profiles: [ops, dev]\n")
    assert sorted(_config(compose)["services"]) == ["app"]
    assert sorted(json.loads(compose("--profile", "ops", "config", "--format", "json").stdout)["services"]) == \
        ["app", "tools"]
    assert sorted(_config(compose, env={"COMPOSE_PROFILES": "dev"})["services"]) == ["app", "debug", "tools"]
    assert sorted(_config(compose, env={"COMPOSE_PROFILES": "*"})["services"]) == ["app", "debug", "tools"]
    assert compose("ps", "--services").stdout.split() == ["app"]
