"""Registry credentials kept as Docker keeps them, in config.json: the CLI
stores them at login and sends the right ones with each pull and push
(the engine stores none).

    $DOCKER_CONFIG/config.json, else ~/.docker/config.json (mode 0600)
    {"auths": {"127.0.0.1:5000": {"auth": base64("user:password")}},
     "credsStore": "...", "credHelpers": {"host": "..."}}

Docker Hub's entry is filed under https://index.docker.io/v1/, as Docker
does. A credsStore or credHelpers entry hands the secret to Docker's
docker-credential-<name> helper protocol instead of the file; so a
`docker login` and a `doca login` serve each other."""
import base64
import json
import os
import pathlib
import subprocess
import tempfile

DOCKER_HUB = "docker.io"
DOCKER_HUB_KEY = "https://index.docker.io/v1/"
_HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io")


def config_path() -> pathlib.Path:
    base = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return pathlib.Path(base) / "config.json"


def domain_of_reference(text: str) -> str:
    """The registry a reference names, by Docker's rule: the first
    component is a host when it has a '.' or ':' or is localhost."""
    name = text.split("@", 1)[0]
    first, sep, _ = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        return DOCKER_HUB if first in _HUB_NAMES else first
    return DOCKER_HUB


def server_key(server: str) -> str:
    """A server as written by people or found in config.json -> host[:port]
    (docker.io for Docker Hub)."""
    text = server.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/", 1)[0]
    return DOCKER_HUB if not text or text in _HUB_NAMES else text


def _file_key(domain: str) -> str:
    return DOCKER_HUB_KEY if domain == DOCKER_HUB else domain


def _read() -> dict:
    try:
        with open(config_path(), "rb") as f:
            doc = json.load(f)
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise OSError(f"{config_path()} is not valid JSON ({exc}); fix or remove it") from None
    return doc if isinstance(doc, dict) else {}


def _write(doc: dict) -> None:
    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config.json.")  # mode 0600 from the start
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent="\t")
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _helper(doc: dict, domain: str) -> str:
    helpers = doc.get("credHelpers") or {}
    return str(helpers.get(_file_key(domain)) or helpers.get(domain) or doc.get("credsStore") or "")


def _run_helper(helper: str, action: str, data: str) -> str:
    try:
        r = subprocess.run([f"docker-credential-{helper}", action], input=data, capture_output=True,
                           text=True, timeout=30)
    except FileNotFoundError:
        raise OSError(f"credential helper docker-credential-{helper} not found (named in {config_path()})") from None
    if r.returncode != 0:
        raise OSError(f"credential helper docker-credential-{helper} {action} failed: "
                      f"{(r.stdout or r.stderr).strip()}")
    return r.stdout


def get(domain: str) -> tuple[str, str, str]:
    """(username, password, identity token) for a registry; empty if none."""
    doc = _read()
    helper = _helper(doc, domain)
    if helper:
        try:
            out = json.loads(_run_helper(helper, "get", _file_key(domain)) or "{}")
        except (OSError, ValueError):
            return "", "", ""   # "credentials not found" is a failure for helpers
        user, secret = out.get("Username", ""), out.get("Secret", "")
        return (user, "", secret) if user == "<token>" else (user, secret, "")
    for key, entry in (doc.get("auths") or {}).items():
        if server_key(key) != domain or not isinstance(entry, dict):
            continue
        user, password = entry.get("username", ""), entry.get("password", "")
        if entry.get("auth"):
            try:
                user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                raise OSError(f"{config_path()}: the credentials of {key} are not valid base64") from None
        return user, password, str(entry.get("identitytoken") or "")
    return "", "", ""


def store(domain: str, username: str, password: str) -> None:
    doc = _read()
    helper = _helper(doc, domain)
    if helper:
        _run_helper(helper, "store", json.dumps({"ServerURL": _file_key(domain), "Username": username,
                                                  "Secret": password}))
        return
    auths = doc.setdefault("auths", {})
    for key in [k for k in auths if server_key(k) == domain]:
        del auths[key]
    auths[_file_key(domain)] = {"auth": base64.b64encode(f"{username}:{password}".encode()).decode()}
    _write(doc)


def erase(domain: str) -> bool:
    """Forgets a registry's credentials; False if there were none."""
    doc = _read()
    helper = _helper(doc, domain)
    if helper:
        try:
            _run_helper(helper, "erase", _file_key(domain))
        except OSError:
            return False
        return True
    auths = doc.get("auths") or {}
    keys = [k for k in auths if server_key(k) == domain]
    for key in keys:
        del auths[key]
    if keys:
        _write(doc)
    return bool(keys)
