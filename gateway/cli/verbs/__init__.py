"""The CLI's parser declarations, one module per group of verbs. main.py
imports only the group of the verb being run. The verbs of flags.VERBS are
declared from that table (table_verb), the others here by hand."""
from gateway.cli import flags


def verb(sub, name, target, help_, aliases=(), add_help=True):
    """Declares `name`; `target` is "module:function" under gateway.cli."""
    p = sub.add_parser(name, help=help_, aliases=list(aliases), add_help=add_help)
    p.set_defaults(target=target)
    return p


def add_flags(p, table) -> None:
    """argparse's arguments for flags.Flag entries."""
    for f in table:
        kw = {"help": f.help} if f.help is not None else {}
        if f.metavar is not None:
            kw["metavar"] = f.metavar
        if f.kind == flags.HELP:
            p.add_argument(*f.names, action="help", **kw)
        elif f.kind == flags.VERSION:
            from common.version import VERSION
            p.add_argument(*f.names, action="version", version=f"doca version {VERSION}", **kw)
        elif f.kind == flags.FLAG and f.default is True:  # a switch that defaults to true takes =false
            p.add_argument(*f.names, type=flags.boolean, default=True, **kw)
        elif f.kind == flags.FLAG:
            p.add_argument(*f.names, action="store_true", **kw)
        elif f.kind == flags.APPEND:
            p.add_argument(*f.names, action="append", default=list(f.default), **kw)
        else:
            kind = {flags.INT: int, flags.FLOAT: float}.get(f.kind)
            if kind is not None:
                kw["type"] = kind
            if f.choices is not None:
                kw["choices"] = f.choices
            p.add_argument(*f.names, default=f.default, **kw)


# A flag Docker defaults to true, read as pflag reads a bool's value (--sig-proxy=false).
boolean = flags.boolean


def table_verb(sub, name: str):
    """Declares a verb of flags.VERBS: its options, then its positionals."""
    spec = flags.VERBS[name]
    p = verb(sub, name, spec.target, spec.help, add_help=False)
    add_flags(p, spec.flags)
    for a in spec.args:
        kw = {"metavar": a.metavar} if a.metavar is not None else {}
        if a.nargs is not None:
            kw["nargs"] = a.nargs
        p.add_argument(a.dest, **kw)
    return p
