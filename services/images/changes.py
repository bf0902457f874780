"""`commit -c` / `import -c`: Dockerfile instructions applied to an image
config, one instruction per change. Docker accepts CMD, ENTRYPOINT, ENV,
EXPOSE, LABEL, ONBUILD, USER, VOLUME and WORKDIR there; doca also takes
STOPSIGNAL and HEALTHCHECK, which the config holds too.

Each change is read by the Dockerfile front end (the same syntax as a
build: exec and shell forms, quoting, `$VAR`s expanded from the config's
Env), then applied to `config`, the runnable part of an OCI image config
("Env", "Cmd"...), in place.
"""
import posixpath

from common.errors import InvalidArgument
from services.images import dockerfile as df

ALLOWED = {cls.keyword: cls for cls in (df.Cmd, df.Entrypoint, df.Env, df.Expose, df.Label, df.Onbuild,
                                         df.User, df.Volume, df.Workdir, df.StopSignal, df.Healthcheck)}


def _bad(change: str, why: str) -> InvalidArgument:
    return InvalidArgument(f"invalid change {change!r}: {why}")


def _read(change: str, config: dict):
    words = change.split(None, 1)
    if words and words[0].upper() not in ALLOWED:  # Docker's daemon's words, before any parsing
        raise InvalidArgument(f"{words[0].lower()} is not a valid change command")
    try:
        instructions = df.parse(change, "change").instructions
    except df.DockerfileError as e:
        raise _bad(change, e.reason) from None
    if len(instructions) != 1:
        raise _bad(change, "give one instruction per change")
    inst = instructions[0]
    if type(inst) not in ALLOWED.values():
        raise _bad(change, f"{inst.keyword} is not one of {', '.join(ALLOWED)}")
    env = dict(e.partition("=")[::2] for e in config.get("Env") or [])
    try:
        return inst.expanded(df.Expander(env))
    except df.DockerfileError as e:
        raise _bad(change, e.reason) from None


def healthcheck(hc) -> dict:
    """A HEALTHCHECK as the image config holds it (Docker's names, ns)."""
    out = {"Test": list(hc.test)}
    for key, value in (("Interval", hc.interval), ("Timeout", hc.timeout), ("StartPeriod", hc.start_period),
                       ("StartInterval", hc.start_interval), ("Retries", hc.retries)):
        if value is not None:
            out[key] = value
    return out


def apply(config: dict, change: str) -> None:
    apply_instruction(config, _read(change, config))


def apply_instruction(config: dict, inst) -> None:
    """One parsed, expanded instruction that only changes the config (the
    ones in ALLOWED, as `build` uses them too) applied to `config`."""
    shell = config.get("Shell") or df.instructions.DEFAULT_SHELL
    if isinstance(inst, df.Cmd):
        config["Cmd"] = inst.command.argv(shell)
    elif isinstance(inst, df.Entrypoint):
        config["Entrypoint"] = inst.command.argv(shell)
        config.pop("Cmd", None)  # as in a Dockerfile: a new ENTRYPOINT drops the inherited CMD
    elif isinstance(inst, df.Env):
        env = list(config.get("Env") or [])
        for key, value in inst.pairs:
            env = [e for e in env if e.partition("=")[0] != key] + [f"{key}={value}"]
        config["Env"] = env
    elif isinstance(inst, df.Label):
        config["Labels"] = {**(config.get("Labels") or {}), **dict(inst.pairs)}
    elif isinstance(inst, df.Expose):
        config["ExposedPorts"] = {**(config.get("ExposedPorts") or {}), **{p: {} for p in inst.ports}}
    elif isinstance(inst, df.Volume):
        config["Volumes"] = {**(config.get("Volumes") or {}), **{p: {} for p in inst.paths}}
    elif isinstance(inst, df.Workdir):
        config["WorkingDir"] = posixpath.normpath(posixpath.join(config.get("WorkingDir") or "/", inst.value))
    elif isinstance(inst, df.User):
        config["User"] = inst.value
    elif isinstance(inst, df.StopSignal):
        config["StopSignal"] = inst.value
    elif isinstance(inst, df.Healthcheck):
        config["Healthcheck"] = healthcheck(inst)
    elif isinstance(inst, df.Onbuild):
        config["OnBuild"] = list(config.get("OnBuild") or []) + [inst.text]


def apply_all(config: dict, changes) -> dict:
    for change in changes or ():
        apply(config, change)
    return config
