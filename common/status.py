"""The one place where domain errors become gRPC status codes.

A server interceptor wraps every handler: DocaError -> its status code (and
the CLI exit code in trailing metadata), an error from a downstream service
-> the same status passed through, a full disk (ENOSPC, EDQUOT) ->
RESOURCE_EXHAUSTED, anything else -> INTERNAL with a one-line message (the
traceback goes to the service log, never to the client).
"""
import logging

import grpc

from common.errors import EXIT_CODE_KEY, DocaError, is_no_space, no_space
log = logging.getLogger("doca.status")


def _abort(context, code: grpc.StatusCode, message: str, metadata=()):
    if metadata:
        context.set_trailing_metadata(tuple(metadata))
    context.abort(code, message)


def _handle(exc: Exception, context, method: str):
    if is_no_space(exc):  # ENOSPC, EDQUOT from any write, however deep
        log.warning("%s: %s", method, exc)
        exc = no_space(exc)
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
