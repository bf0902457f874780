"""POST /commit's Config body as the Dockerfile changes that set the same
things: doca's commit applies changes (as `docker commit -c`), not a Config
merge. Values are quoted and their `$` escaped so that a change's variable
expansion leaves them as the client sent them ("A=$HOME" stays so)."""
import json

from gateway.docker.errors import ApiError


def _quoted(text: str) -> str:
    """A double-quoted Dockerfile word: `\\$` inside double quotes is a `$`."""
    return json.dumps(text).replace("$", "\\$")


def _bare(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$")


def _json_words(words: list[str]) -> str:
    """A JSON array whose words are expanded after decoding (VOLUME): `\\\\$` in
    the JSON text decodes to `\\$`, which expansion makes a `$`."""
    return json.dumps(words).replace("$", "\\\\$")


def _strings(key: str, value, kind=list) -> None:
    if not isinstance(value, kind) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"commit: Config.{key} must be a JSON {'list' if kind is list else 'object'} of strings")


def changes(config: dict) -> list[str]:
    if not isinstance(config, dict):
        raise ApiError(400, "the commit body must be a container Config object")
    out = []
    for key, value in config.items():
        if value in (None, "", [], {}, False, 0):  # a client's zero values change nothing
            continue
        if key in ("Cmd", "Entrypoint"):  # the exec form: no expansion
            words = [value] if isinstance(value, str) else value
            _strings(key, words)
            out.append(f"{key.upper()} {json.dumps(words)}")
        elif key == "Env":
            _strings(key, value)
            for e in value:
                name, eq, val = e.partition("=")
                out.append(f"ENV {name}={_quoted(val)}" if eq else f"ENV {name}=")
        elif key == "ExposedPorts":
            _strings(key, list(value) if isinstance(value, dict) else value)
            out += [f"EXPOSE {p}" for p in value]
        elif key == "Labels":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ApiError(400, "commit: Config.Labels must be a JSON object of strings")
            out += [f"LABEL {_quoted(k)}={_quoted(v)}" for k, v in value.items()]
        elif key in ("User", "WorkingDir", "StopSignal") and isinstance(value, str):
            out.append(f"{ {'User': 'USER', 'WorkingDir': 'WORKDIR', 'StopSignal': 'STOPSIGNAL'}[key]} {_bare(value)}")
        elif key == "Volumes" and isinstance(value, dict):
            out.append(f"VOLUME {_json_words(list(value))}")
        elif key in ("User", "WorkingDir", "StopSignal", "Volumes"):
            raise ApiError(400, f"commit: Config.{key} has the wrong type")
        else:
            raise ApiError(400, f"commit: Config.{key} is not supported by doca's commit (use changes)")
    return out
