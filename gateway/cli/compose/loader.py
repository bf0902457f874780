"""From the command line to a project: which files (-f, COMPOSE_FILE, else
compose.yaml and its kin in this folder or a parent, with their
override file), the project's folder and name, the variables (.env in the
project folder or --env-file, the shell's winning), each file read as
YAML, substituted, checked against schema.py, then merged in order."""
import os

from gateway.cli.compose import interpolate, schema
from gateway.cli.compose.errors import BadFile, NoFile

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yml",
                  "docker-compose.override.yaml")
NAME_RULE = ("must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as "
             "start with a letter or number")


class Project:
    """The merged document and what names it: services, networks and
    volumes as written (model.py reads them), the name, the folder, the files."""

    def __init__(self, name: str, workdir: str, files: list, env: dict, doc: dict):
        self.name, self.workdir, self.files, self.env, self.doc = name, workdir, files, env, doc
        self.services = doc.get("services") or {}
        self.networks = doc.get("networks") or {}
        self.volumes = doc.get("volumes") or {}


def _found_files() -> list[str]:
    """compose.yaml (or its kin) here or in the nearest parent that has one, and its override."""
    folder = os.getcwd()
    while True:
        for name in DEFAULT_FILES:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                override = next((os.path.join(folder, o) for o in OVERRIDE_FILES
                                 if os.path.isfile(os.path.join(folder, o))), None)
                return [path] + ([override] if override else [])
        parent = os.path.dirname(folder)
        if parent == folder:
            raise NoFile("no configuration file provided: not found")
        folder = parent


def files(args) -> list[str]:
    given = list(args.file or [])
    if not given and os.environ.get("COMPOSE_FILE"):
        given = [f for f in os.environ["COMPOSE_FILE"].split(os.environ.get("COMPOSE_PATH_SEPARATOR", ":")) if f]
    if not given:
        return _found_files()
    paths = []
    for f in given:
        path = os.path.abspath(f)
        if f != "-" and not os.path.isfile(path):
            raise NoFile(f"open {path}: no such file or directory")
        paths.append(path)
    return paths


def normalize(name: str) -> str:
    """Docker Compose's name from a folder: lower case, only [a-z0-9_-]."""
    return "".join(c for c in name.lower() if c.isascii() and (c.isalnum() or c in "_-")).lstrip("_-")


def _checked_name(name: str, what: str) -> str:
    if not name or not (name[0].isascii() and name[0].isalnum()) or normalize(name) != name:
        raise BadFile(f'invalid project name "{name}": {NAME_RULE}' if what == "-p"
                           else f'{what} "{name}" {NAME_RULE}')
    return name


def _read(path: str):
    import yaml  # the CLI's other verbs never load it
    try:
        if path == "-":
            import sys
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as e:
        raise NoFile(f"open {path}: {(e.strerror or str(e)).lower()}") from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        at = f"line {where.line + 1}: " if where is not None else ""
        what = getattr(e, "problem", None) or str(e)
        raise BadFile(f"yaml: {at}{what} ({path})") from None


def merge(base, over):
    """A later file's values over an earlier's: mappings merged key by key,
    lists of ports, volumes, env files... appended, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            if k in out and k in _APPENDED and isinstance(out[k], list) and isinstance(v, list):
                out[k] = out[k] + [x for x in v if x not in out[k]]
            else:
                out[k] = merge(out.get(k), v) if k in out else v
        return out
    return over


_APPENDED = ("ports", "expose", "volumes", "env_file", "dns", "extra_hosts", "cap_add", "cap_drop", "tmpfs")


def load(args, interpolating: bool = True) -> Project:
    paths = files(args)
    workdir = os.path.abspath(args.project_directory) if getattr(args, "project_directory", None) \
        else os.path.dirname(paths[0]) if paths[0] != "-" else os.getcwd()
    env = dict(os.environ)
    env_files = getattr(args, "env_file", None) or []
    dotenv_paths = [os.path.abspath(p) for p in env_files] or [os.path.join(workdir, ".env")]
    from gateway.cli.compose import dotenv
    for path in dotenv_paths:
        if env_files or os.path.isfile(path):
            env = {**dotenv.read(path, env), **os.environ}
    doc: dict = {}
    warned: set = set()
    for path in paths:
        part = _read(path)
        if part is None:
            part = {}
        if not isinstance(part, dict):
            raise BadFile(f"validating {path}: top-level object must be a mapping")
        if interpolating:
            part = interpolate.tree(part, env, "", warned)
        schema.check(part, path)
        doc = merge(doc, part)
    if not doc.get("services"):
        raise BadFile("no service selected")
    name = getattr(args, "project_name", None)
    if name:
        name = _checked_name(name, "-p")
    elif env.get("COMPOSE_PROJECT_NAME"):
        name = _checked_name(env["COMPOSE_PROJECT_NAME"], "-p")
    elif doc.get("name"):
        name = _checked_name(str(doc["name"]), "project name")
    else:
        name = normalize(os.path.basename(workdir))
        if not name:
            raise BadFile(f'project name "{os.path.basename(workdir)}" {NAME_RULE}: use -p')
    doc["name"] = name
    doc["services"] = _enabled(args, env, doc["services"])
    return Project(name, workdir, paths, env, doc)


def _enabled(args, env: dict, services: dict) -> dict:
    """The services of the active profiles (--profile, COMPOSE_PROFILES; '*'
    all), those without profiles, and those named on the command line."""
    active = set(getattr(args, "profile", None) or []) | \
        {p.strip() for p in env.get("COMPOSE_PROFILES", "").split(",") if p.strip()}
    named = set(getattr(args, "services", None) or []) | {getattr(args, "service", None)}
    return {name: svc for name, svc in services.items()
            if not (svc or {}).get("profiles") or name in named or "*" in active
            or active & {str(p) for p in svc["profiles"]}}
