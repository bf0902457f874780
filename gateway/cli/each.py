"""Docker's verbs that take several targets: act on each, report each
failure on its own line, go on, and exit 1 if any failed."""
import sys

from gateway.cli.rpc.client import RpcError, StatusCode


def each(refs, call, show=lambda ref, result: print(ref), missing_ok=None, missing: str = "") -> int:
    """`missing_ok(ref, err)`: what a NOT_FOUND does instead of failing, as
    Docker's CLI under -f (rm -f, rmi -f: the message, exit 0; volume rm -f:
    the name, as a removal); `missing`: the line for a NOT_FOUND ("No such
    network: {}") instead of the service's."""
    code = 0
    for ref in refs:
        try:
            result = call(ref)
        except RpcError as e:
            gone = e.code() is StatusCode.NOT_FOUND
            if gone and missing_ok is not None:
                missing_ok(ref, e)
                continue
            from gateway.cli import errors  # a gateway that cannot be reached: Docker's line, once per target
            sys.stderr.write(f"doca: {missing.format(ref) if gone and missing else errors.message(e, errors.host)}\n")
            code = 1
            continue
        show(ref, result)
    return code


def say_missing(ref, err) -> None:
    """rm -f, rmi -f of what is not there: Docker's CLI says so and goes on."""
    sys.stderr.write(f"doca: {err.details()}\n")


def inspect(refs, lookups, missing: str = "No such object: {}", template: str = "") -> int:
    """Prints a JSON array of the documents found, or with `template`
    (-f/--format) one line per document; each ref is tried with each lookup
    in turn (containers, then images, then volumes, then networks)."""
    from gateway.cli import docorder, output
    render = None
    if template:
        from gateway.cli import gotemplate
        render = gotemplate.compile_template(template)  # a bad template fails before any call
    docs, code = [], 0
    for ref in refs:
        for lookup in lookups:
            try:
                docs.append(docorder.docker_order(output.struct_to_dict(lookup(ref))))
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
        from gateway.cli import gotemplate
        for doc in docs:
            # A top-level key the document lacks is an error, as Docker's; deeper ones are not: Docker
            # runs the template on its typed struct first, whose fields exist where the JSON leaves them out.
            try:
                sys.stdout.write(render(gotemplate.strict(doc, deep=False)) + "\n")
            except gotemplate.TemplateError:
                sys.stdout.write("\n")  # Docker's CLI ends the line it was writing
                raise
    return code
