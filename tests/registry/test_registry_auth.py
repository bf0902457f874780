"""login, logout and credentials against distribution 2.8 with htpasswd
basic auth on 127.0.0.1. The CLI keeps credentials as Docker does
(config.json, mode 0600) in a temporary DOCKER_CONFIG."""
import base64
import json
import os
import stat

from tests.support.registry import PASSWORD, USER


def test_login_push_pull_logout(stack, auth_registry, docker_config):
    addr = auth_registry.address
    ref = f"{addr}/private/app:1"
    stack.doca("tag", "busybox", ref)
    try:
        r = stack.doca("push", ref, check=False)
        assert r.returncode == 1 and "unauthorized" in r.stderr and f"doca login {addr}" in r.stderr

        r = stack.doca("login", "-u", USER, "--password-stdin", addr, input="wrong\n", check=False)
        assert r.returncode == 1
        assert r.stderr.strip() == f"doca: unauthorized: incorrect username or password for {addr}"
        assert not (docker_config / "config.json").exists()

        r = stack.doca("login", "-u", USER, "--password-stdin", addr, input=PASSWORD + "\n")
        assert r.stdout.strip() == "Login Succeeded"
        cfg = docker_config / "config.json"
        assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
        entry = json.loads(cfg.read_text())["auths"][addr]
        assert base64.b64decode(entry["auth"]).decode() == f"{USER}:{PASSWORD}"

        assert "1: digest: sha256:" in stack.doca("push", ref).stdout
        stack.doca("rmi", ref)
        assert "Downloaded newer image" in stack.doca("pull", ref).stdout

        assert stack.doca("logout", addr).stdout.strip() == f"Removing login credentials for {addr}"
        assert addr not in json.loads(cfg.read_text())["auths"]
        assert stack.doca("logout", addr).stdout.strip() == f"Not logged in to {addr}"
        r = stack.doca("pull", ref, check=False)
        assert r.returncode == 1 and "unauthorized" in r.stderr and "Traceback" not in r.stderr
    finally:
        stack.doca("rmi", ref, check=False)


def test_password_on_the_command_line_warns(stack, auth_registry, docker_config):
    r = stack.doca("login", "-u", USER, "-p", PASSWORD, auth_registry.address)
    assert "WARNING! Using --password via the CLI is insecure" in r.stderr
    assert r.stdout.strip() == "Login Succeeded"
    stack.doca("logout", auth_registry.address)
