"""The one place where domain errors become gRPC status codes.

A server interceptor wraps every handler: DocaError -> its status code (and
the CLI exit code in trailing metadata), an error from a downstream service
-> the same status passed through, a full disk (ENOSPC, EDQUOT, also
behind another error raised while handling it) -> RESOURCE_EXHAUSTED with
one line naming where (common.errors.no_space), anything else -> INTERNAL
with a one-line message (the traceback goes to the service log, never to
the client).
"""
import logging

import grpc

from common.errors import EXIT_CODE_KEY, DocaError, is_no_space, no_space
log = logging.getLogger("doca.status")


def _abort(context, code: grpc.StatusCode, message: str, metadata=()):
    if metadata:
        context.set_trailing_metadata(tuple(metadata))
    context.abort(code, message)


def _no_space_within(exc: BaseException) -> OSError | None:
    """A full disk behind an error raised while handling it (an OSError
    wrapped into another exception, `raise X from e` or not)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if is_no_space(exc):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _handle(exc: Exception, context, method: str):
    # ENOSPC, EDQUOT from any write, however deep: RESOURCE_EXHAUSTED, one
    # line naming where. A domain error chosen on purpose stays what it is,
    # unless it is only a wrapper (INTERNAL, UNKNOWN) of the full disk.
    wrapper = not isinstance(exc, (DocaError, grpc.RpcError)) or (
        isinstance(exc, DocaError) and exc.code in ("INTERNAL", "UNKNOWN"))
    full = _no_space_within(exc) if wrapper else None
    if full is not None:
        log.warning("%s: %s", method, full)
        exc = no_space(full)
    if isinstance(exc, DocaError):
        md = [(EXIT_CODE_KEY, str(exc.exit_code))] if exc.exit_code is not None else []
        _abort(context, grpc.StatusCode[exc.code], exc.message, md)
    if isinstance(exc, grpc.RpcError) and hasattr(exc, "code"):
        # A downstream service already chose the code and message: pass both on.
        md = [(k, v) for k, v in (exc.trailing_metadata() or ()) if k == EXIT_CODE_KEY]
        code = exc.code()
        details = exc.details() or code.name
        if code == grpc.StatusCode.UNAVAILABLE:
            details = f"a doca service is unavailable: {details}"
        _abort(context, code, details, md)
    log.exception("unexpected error in %s", method)
    _abort(context, grpc.StatusCode.INTERNAL, f"internal error in {method}: {exc}")


def _wrap_unary(fn, method):
    def handler(request, context):
        try:
            return fn(request, context)
        except Exception as exc:  # noqa: BLE001 - mapped, never leaked
            if _is_abort(exc, context):
                raise
            _handle(exc, context, method)
    return handler


def _wrap_stream(fn, method):
    def handler(request, context):
        try:
            yield from fn(request, context)
        except Exception as exc:  # noqa: BLE001
            if _is_abort(exc, context):
                raise
            _handle(exc, context, method)
    return handler


def _is_abort(exc, context) -> bool:
    # context.abort raises a plain Exception after setting the code.
    return type(exc) is Exception and context.code() not in (None, grpc.StatusCode.OK)


class ErrorMapping(grpc.ServerInterceptor):
    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        if handler.unary_unary:
            return handler._replace(unary_unary=_wrap_unary(handler.unary_unary, method))
        if handler.stream_unary:
            return handler._replace(stream_unary=_wrap_unary(handler.stream_unary, method))
        if handler.unary_stream:
            return handler._replace(unary_stream=_wrap_stream(handler.unary_stream, method))
        if handler.stream_stream:
            return handler._replace(stream_stream=_wrap_stream(handler.stream_stream, method))
        return handler
