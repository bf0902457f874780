"""The Dockerfile front end: text in, a checked build plan out. Pure: no
I/O except `context_files`/`read_dockerignore`, on the directory the caller
names. The build executor drives it:

    df = parse(text, "Dockerfile")                  # syntax: DockerfileError
    bp = plan(df, build_args, target)               # stages, ARGs, order
    for i in bp.order:
        stage = bp.stages[i]                        # base: stage.base_stage or stage.base
        scope = bp.scope(stage, base_env=config_env)
        for inst in stage.instructions:
            inst = scope.apply(inst)                # expanded; ARG/ENV update scope
            ...                                     # RUN gets scope.run_env()

Modules, in the order text flows through them: lexer (directives, comments,
continuations, heredoc bodies) -> parser (+ commands, files, keyvalue, flags,
words: one instruction each) -> instructions (the values) -> expand / scope
(variables) -> stages (the plan). common/buildcontext (dockerignore, gomatch, context) decides
what of the build context the builder sees; files also has ADD's source helpers.
"""
import importlib

# Names -> the module defining them (here, or a full name: the .dockerignore
# part lives in common/buildcontext, shared with the CLI), imported on first use.
_WHERE = {
    "common.buildcontext.context": ("context_files", "read_dockerignore", "transfer_matcher"),
    "common.buildcontext.dockerignore": ("IgnoreMatcher", "Rule"),
    "errors": ("DockerfileError", "ExpansionError", "Location"),
    "expand": ("Expander", "expand_word"),
    "heredoc": ("Heredoc",),
    "instructions": ("Add", "Arg", "ArgDecl", "Cmd", "Command", "Copy", "Entrypoint", "Env", "Expose",
                     "From", "Healthcheck", "Instruction", "Label", "Maintainer", "Onbuild", "Run",
                     "Shell", "StopSignal", "User", "Volume", "Workdir"),
    "parser": ("Dockerfile", "parse"),
    "scope": ("PROXY_ARGS", "Scope"),
    "stages": ("BuildPlan", "Stage", "plan"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:  # a submodule (df.instructions.DEFAULT_SHELL), or nothing
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module if "." in module else f"{__name__}.{module}"), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__():
    return __all__
