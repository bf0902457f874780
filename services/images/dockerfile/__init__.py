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
(variables) -> stages (the plan). dockerignore, gomatch and context decide
what of the build context the builder sees; files also has ADD's source helpers.
"""
from .context import context_files, read_dockerignore, transfer_matcher
from .dockerignore import IgnoreMatcher, Rule
from .errors import DockerfileError, ExpansionError, Location
from .expand import Expander, expand_word
from .heredoc import Heredoc
from .instructions import (Add, Arg, ArgDecl, Cmd, Command, Copy, Entrypoint, Env, Expose, From,
                           Healthcheck, Instruction, Label, Maintainer, Onbuild, Run, Shell,
                           StopSignal, User, Volume, Workdir)
from .parser import Dockerfile, parse
from .scope import PROXY_ARGS, Scope
from .stages import BuildPlan, Stage, plan

__all__ = [
    "Add", "Arg", "ArgDecl", "BuildPlan", "Cmd", "Command", "Copy", "Dockerfile", "DockerfileError",
    "Entrypoint", "Env", "Expander", "ExpansionError", "Expose", "From", "Healthcheck", "Heredoc",
    "IgnoreMatcher", "Instruction", "Label", "Location", "Maintainer", "Onbuild", "PROXY_ARGS", "Rule",
    "Run", "Scope", "Shell", "Stage", "StopSignal", "User", "Volume", "Workdir", "context_files",
    "expand_word", "parse", "plan", "read_dockerignore", "transfer_matcher",
]
