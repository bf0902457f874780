"""The CLI's parser declarations, one module per group of verbs. main.py
imports only the group of the verb being run."""


def verb(sub, name, target, help_, aliases=(), add_help=True):
    """Declares `name`; `target` is "module:function" under gateway.cli."""
    p = sub.add_parser(name, help=help_, aliases=list(aliases), add_help=add_help)
    p.set_defaults(target=target)
    return p
