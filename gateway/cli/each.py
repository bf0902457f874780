"""Docker's verbs that take several targets: act on each, report each
failure on its own line, go on, and exit 1 if any failed."""
import sys

from gateway.cli.rpc.client import RpcError, StatusCode


def each(refs, call, show=lambda ref, result: print(ref)) -> int:
    code = 0
    for ref in refs:
        try:
            result = call(ref)
        except RpcError as e:
            sys.stderr.write(f"doca: {e.details()}\n")
            code = 1
            continue
        show(ref, result)
    return code


def inspect(refs, lookups, missing: str = "No such object: {}", template: str = "") -> int:
    """Prints a JSON array of the documents found, or with `template`
    (-f/--format) one line per document; each ref is tried with each lookup
    in turn (containers, then images, then volumes, then networks)."""
    from gateway.cli import output
    render = None
    if template:
        from gateway.cli import gotemplate
        render = gotemplate.compile_template(template)  # a bad template fails before any call
    docs, code = [], 0
    for ref in refs:
        for lookup in lookups:
            try:
                docs.append(output.struct_to_dict(lookup(ref)))
                break
            except RpcError as e:
                if e.code() is not StatusCode.NOT_FOUND:
                    raise
        else:
            sys.stderr.write(f"doca: {missing.format(ref)}\n")
            code = 1
    if render is None:
        output.print_json(docs)
    else:
        sys.stdout.write("".join(render(doc) + "\n" for doc in docs))
    return code
