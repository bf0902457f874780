"""The variables visible at one point of a build, and how ARG and ENV change
them: what the executor threads through a stage, instruction by instruction.

    scope = plan.scope(stage, base_env=image_config_env)
    for inst in stage.instructions:
        inst = scope.apply(inst)     # expanded; ARG/ENV also update the scope
        ... execute inst, RUN with scope.run_env() ...

Rules (Docker's):
- `env` is the image's environment: the base image's, then each ENV. It is
  what the image keeps.
- `args` are the ARGs declared so far in this scope: name -> value, None for
  one declared without a value that got none (unset, not empty). A value
  comes from --build-arg first, then the ARG's own default, then (inside a
  stage) the global ARG of that name declared before the first FROM.
- For expansion, ENV wins over an ARG of the same name, whatever the order.
- RUN sees the ARGs that have a value and the environment (ENV winning), plus
  the predefined proxy variables when given as --build-arg, declared or not.
  ARG values are not kept in the image.
"""
from collections.abc import Iterable, Mapping

from .errors import ExpansionError
from .expand import Expander
from .instructions import Arg, ArgDecl, Env, Instruction

# Given with --build-arg, these reach RUN without an ARG (and stay out of the
# image and of "unused build-arg" warnings), as in Docker.
PROXY_ARGS = frozenset({"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
                        "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"})


def env_dict(env: Mapping[str, str] | Iterable[str]) -> dict[str, str]:
    """An image config's ["K=V", ...] (or a mapping) as a dict."""
    if isinstance(env, Mapping):
        return dict(env)
    out = {}
    for item in env:
        key, _, value = item.partition("=")
        out[key] = value
    return out


class Scope:
    def __init__(self, escape: str = "\\", env: Mapping[str, str] | Iterable[str] = (),
                 build_args: Mapping[str, str] | None = None,
                 inherited: Mapping[str, str | None] | None = None,
                 args: Mapping[str, str | None] | None = None):
        self.escape = escape
        self.env = env_dict(env)
        self.args: dict[str, str | None] = dict(args or {})
        self.build_args = dict(build_args or {})
        self.inherited = dict(inherited or {})
        self.used_build_args: set[str] = set()

    def lookup(self, name: str) -> str | None:
        if name in self.env:
            return self.env[name]
        return self.args.get(name)

    def expander(self) -> Expander:
        return Expander(self.lookup, self.escape)

    def expand(self, word: str) -> str:
        """Expand one word now (raises ExpansionError, without a location)."""
        return self.expander().word(word)

    def apply(self, inst: Instruction) -> Instruction:
        """`inst` with its variables expanded; an ARG or ENV also updates
        this scope. Errors name the instruction's line."""
        if isinstance(inst, Arg):
            try:
                return self._declare(inst)
            except ExpansionError as e:
                raise inst.loc.error(f"ARG: {e}") from None
        done = inst.expanded(self.expander())
        if isinstance(done, Env):
            self.env.update(done.pairs)
        return done

    def _declare(self, arg: Arg) -> Arg:
        decls = []
        for decl in arg.args:
            name = self.expand(decl.name)
            default = None if decl.default is None else self.expand(decl.default)
            if name in self.build_args:
                value = self.build_args[name]
                self.used_build_args.add(name)
            elif default is not None:
                value = default
            else:
                value = self.inherited.get(name)
            self.args[name] = value
            decls.append(ArgDecl(name, default))
        return Arg(loc=arg.loc, args=tuple(decls))

    def run_env(self) -> dict[str, str]:
        """The environment of a RUN at this point."""
        out = {k: v for k, v in self.build_args.items() if k in PROXY_ARGS}
        out.update((k, v) for k, v in self.args.items() if v is not None)
        out.update(self.env)
        return out
