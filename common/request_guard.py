"""No NUL byte in any text a servicer is given: checked once, for every
field of every request (each message of a request stream), before the
servicer's method runs.

Why everywhere: a NUL ends a C string, so the kernel (open, mount, exec,
sethostname) would act on a shorter value than the one the engine checked
or recorded; and an env entry or a label with a NUL fails deep in a
container's start with an error nobody can act on. Protobuf itself allows
NUL in a string field. Per-kind rules (ids, names, paths) are in validate.py;
this is the floor under all of them.

    @request_guard.guarded
    class RuntimeServicer(runtime_pb2_grpc.RuntimeServicer): ...

Duck-typed on protobuf's message API (ListFields, descriptors): no import.
"""
import functools
import inspect

from common.errors import InvalidArgument
from common.validate import shown

_STRING, _MESSAGE = 9, 11  # FieldDescriptor.TYPE_STRING, TYPE_MESSAGE


def _text(value: str, where: str) -> None:
    if "\x00" in value:
        raise InvalidArgument(f"invalid {where} {shown(value)}: it contains a NUL byte")


def check(message, where: str = "") -> None:
    """Raises InvalidArgument naming the first field (a path such as
    spec.process.env[2]) whose text holds a NUL byte."""
    for field, value in message.ListFields():
        name = f"{where}.{field.name}" if where else field.name
        if field.type == _STRING:
            for i, item in enumerate(value) if field.is_repeated else ((None, value),):
                _text(item, name if i is None else f"{name}[{i}]")
        elif field.type != _MESSAGE:
            continue
        elif field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            for k, v in value.items():
                if isinstance(k, str):
                    _text(k, f"{name} key")
                if value_field.type == _STRING:
                    _text(v, f"{name}[{k!r}]")
                elif value_field.type == _MESSAGE:
                    check(v, f"{name}[{k!r}]")
        elif field.is_repeated:
            for i, item in enumerate(value):
                check(item, f"{name}[{i}]")
        else:
            check(value, name)


def _checked(request, failed: list):
    """The request, checked; a request stream, checked message by message
    as it is read. A failure is also kept in `failed`: a relay (the
    gateway) hands its stream to a gRPC client call, whose own thread reads
    it, and gRPC reports what that thread raised as UNKNOWN upstream."""
    if hasattr(request, "ListFields"):
        check(request)
        return request
    # The first message (the one with the names: a spec, a header, build
    # options) is read and checked here, in the handler's own thread, so it
    # fails as a plain refusal; every servicer reads it first anyway.
    requests = iter(request)
    first = next(requests, None)
    if first is None:
        return iter(())
    check(first)
    return _stream(first, requests, failed)


def _stream(first, requests, failed: list):
    yield first
    for message in requests:
        try:
            check(message)
        except InvalidArgument as e:
            failed.append(e)
            raise
        yield message


def _wrap(fn):
    if inspect.isgeneratorfunction(fn):  # a server stream: checked when it is first read
        @functools.wraps(fn)
        def streaming(self, request, context):
            failed = []
            try:
                yield from fn(self, _checked(request, failed), context)
            except Exception:
                if failed:  # whatever it became on its way, the refusal is the answer
                    raise failed[0] from None
                raise
        return streaming

    @functools.wraps(fn)
    def unary(self, request, context):
        failed = []
        try:
            return fn(self, _checked(request, failed), context)
        except Exception:
            if failed:
                raise failed[0] from None
            raise
    return unary


def guarded(cls):
    """Class decorator: each RPC method the class itself defines (names
    start with a capital, as gRPC's) checks its request first."""
    for name, fn in list(vars(cls).items()):
        if name[:1].isupper() and inspect.isfunction(fn):
            setattr(cls, name, _wrap(fn))
    return cls
