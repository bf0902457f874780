"""One line for an instruction, variables expanded: what the progress shows
and what the image history keeps as `created_by` (BuildKit's style: the
instruction as written, `RUN /bin/sh -c ...` for a shell-form RUN)."""
import json

from services.images import dockerfile as df


def _command(cmd) -> str:
    return cmd.args[0] if cmd.shell else json.dumps(list(cmd.args))


def _pair(key: str, value: str) -> str:
    return f"{key}={json.dumps(value) if (not value or any(c.isspace() or c in chr(34) for c in value)) else value}"


def _flags(inst) -> str:
    out = []
    for flag, value in (("from", getattr(inst, "from_", None)), ("chown", inst.chown), ("chmod", inst.chmod)):
        if value is not None:
            out.append(f"--{flag}={value}")
    out += [f"--exclude={e}" for e in inst.excludes]
    return " ".join(out) + " " if out else ""


def describe(inst, shell=df.instructions.DEFAULT_SHELL) -> str:
    kw = inst.keyword
    if isinstance(inst, df.Run):
        flags = "".join(f"--mount={m} " for m in inst.mounts)
        flags += f"--network={inst.network} " if inst.network else ""
        text = " ".join(inst.command.argv(shell)) if inst.command.shell else _command(inst.command)
        return f"RUN {flags}{text}".replace("\n", " ")
    if isinstance(inst, (df.Cmd, df.Entrypoint)):
        return f"{kw} {_command(inst.command)}"
    if isinstance(inst, (df.Copy, df.Add)):
        sources = list(inst.sources) + [f"<<{h.name}" for h in inst.heredocs]
        return f"{kw} {_flags(inst)}{' '.join(sources)} {inst.dest}"
    if isinstance(inst, (df.Env, df.Label)):
        return f"{kw} " + " ".join(_pair(k, v) for k, v in inst.pairs)
    if isinstance(inst, df.Arg):
        return "ARG " + " ".join(a.name if a.default is None else _pair(a.name, a.default) for a in inst.args)
    if isinstance(inst, (df.Workdir, df.User, df.StopSignal, df.Maintainer)):
        return f"{kw} {inst.value}"
    if isinstance(inst, df.Expose):
        return "EXPOSE " + " ".join(inst.ports)
    if isinstance(inst, df.Volume):
        return "VOLUME " + json.dumps(list(inst.paths))
    if isinstance(inst, df.Shell):
        return "SHELL " + json.dumps(list(inst.args))
    if isinstance(inst, df.Healthcheck):
        if inst.test == ("NONE",):
            return "HEALTHCHECK NONE"
        return "HEALTHCHECK " + json.dumps(list(inst.test))
    if isinstance(inst, df.Onbuild):
        return f"ONBUILD {inst.text}"
    if isinstance(inst, df.From):
        return f"FROM {inst.image}" + (f" AS {inst.name}" if inst.name else "")
    return kw
