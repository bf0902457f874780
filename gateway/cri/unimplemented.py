"""The calls of a runtime.v1 service that doca does not translate yet.

The generated servicer's defaults raise NotImplementedError, which the
error mapping (common/status.py) would report as INTERNAL; a CRI client
must see UNIMPLEMENTED (critest skips on it, a kubelet knows what it
means), with a line that names the call."""
import grpc


def fill(servicer_class, service_descriptor) -> None:
    """Gives every method of the service that servicer_class leaves to the
    generated base an explicit UNIMPLEMENTED answer."""
    base = servicer_class.__mro__[1]
    for method in service_descriptor.methods:
        if getattr(servicer_class, method.name) is getattr(base, method.name):
            setattr(servicer_class, method.name, _unimplemented(service_descriptor.full_name, method))


def _unimplemented(service: str, method):
    message = f"{service}/{method.name} is not implemented by doca yet"

    if method.server_streaming:
        def answer(self, request, context):
            context.abort(grpc.StatusCode.UNIMPLEMENTED, message)
            yield  # a generator, as a streaming handler must be
    else:
        def answer(self, request, context):
            context.abort(grpc.StatusCode.UNIMPLEMENTED, message)
    answer.__name__ = method.name
    return answer
