"""How the CLI reports failures: one line on stderr, Docker's exit codes
(125 when the engine failed a run, 126/127 when the command could not run,
1 for other verbs), never a traceback."""
import sys

from gateway.cli.rpc.client import RpcError
# The engine's refusal exits 125 for run only: docker create (and start, as
# most verbs) fails with 1, a missing image's failed pull included.
ENGINE_VERBS = ("run",)
EXIT_USAGE = 125  # Docker's CLI: a flag it cannot read, whatever the verb


def _flag(field: str, verb: str | None) -> str:
    """The flag that fills a request field (flags.py's `to`), by its long name."""
    from gateway.cli.flags import VERBS
    for spec in [VERBS[verb]] if verb in VERBS else VERBS.values():
        for flag in spec.flags:
            if flag.to is not None and flag.to.rpartition(".")[2] == field:
                return next(n for n in flag.names if n.startswith("--"))
    return "--" + field.replace("_", "-")


def usage_error(err: Exception, verb: str | None = None) -> str | None:
    """The line for a value no request can carry, or None: a number its
    field cannot hold (an int64 overflow), text that is not UTF-8."""
    from gateway.cli.rpc.codec import OutOfRange
    if isinstance(err, OutOfRange):
        return (f'invalid argument "{err.value}" for "{_flag(err.field, verb)}" flag: value out of range '
                f"({err.lo} to {err.hi})")
    if isinstance(err, UnicodeEncodeError):  # argv decoded with surrogateescape: bytes no string holds
        bad = getattr(err, "object", "")
        shown = repr(bad.encode("utf-8", "surrogateescape")[:60])[1:] if isinstance(bad, str) else "an argument"
        return f"invalid argument {shown}: it is not valid UTF-8"
    return None


def exit_code(err: RpcError, verb: str) -> int:
    from common.errors import EXIT_CODE_KEY
    for key, value in err.trailing_metadata() or ():
        if key == EXIT_CODE_KEY and value.isdigit():
            return int(value)
    return 125 if verb in ENGINE_VERBS else 1


def message(err: RpcError, host: str) -> str:
    details = err.details() or err.code().name
    # the transport could not reach the gateway at all: say what Docker says
    if err.code().name == "UNAVAILABLE" and details.startswith("failed to connect"):
        return f"Cannot connect to the doca daemon at {host}. Is the doca daemon running?"
    return details


# The gateway the running verb talks to: messages printed per target (each.py) name it as Docker's do.
host = ""


def guarded(handler, args) -> int:
    global host
    host = args.host
    try:
        return handler(args) or 0
    except RpcError as err:
        sys.stderr.write(f"doca: {message(err, args.host)}\n")
        return exit_code(err, args.verb)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:
        where = f": {err.filename}" if getattr(err, "filename", None) else ""
        sys.stderr.write(f"doca: {err.strerror or err}{where}\n")
        return 125 if args.verb in ENGINE_VERBS else 1
    except Exception as err:  # noqa: BLE001 - a bug in the CLI: one line, DOCA_DEBUG=1 for the trace
        line = usage_error(err, getattr(args, "verb", None))
        if line is not None:
            sys.stderr.write(f"doca: {line}\n")
            return EXIT_USAGE
        if getattr(err, "for_the_user", False):  # e.g. a --format template that does not parse
            sys.stderr.write(f"doca: {err}\n")
            return getattr(err, "exit_code", 1)
        import os
        if os.environ.get("DOCA_DEBUG"):
            raise
        sys.stderr.write(f"doca: internal error: {type(err).__name__}: {err} (DOCA_DEBUG=1 shows where)\n")
        return 125 if args.verb in ENGINE_VERBS else 1
