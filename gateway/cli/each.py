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


def inspect(refs, lookups, missing: str = "No such object: {}", template: str = "", raw_fallback: bool = True) -> int:
    """Prints a JSON array of the documents found, or with `template`
    (-f/--format) one line per document; each ref is tried with each lookup
    in turn (containers, then images, then volumes, then networks). As
    Docker's CLI, a document the template fails on prints nothing and its
    error comes after the others' lines (exit 1); nothing printed at all
    is an empty line. `raw_fallback`: see inspect_template.render_document."""
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
        return code
    from gateway.cli import gotemplate, inspect_template
    lines, failed = [], []
    for doc in docs:
        try:
            lines.append(inspect_template.render_document(render, doc, docorder.kind(doc), raw_fallback) + "\n")
        except gotemplate.TemplateError as e:
            failed.append(str(e))
    sys.stdout.write("".join(lines) or "\n")
    for message in failed:
        sys.stderr.write(f"doca: {message}\n")
    return 1 if failed else code
