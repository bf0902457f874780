"""Build and PruneBuildCache as the servicer (../api.py) delegates them:
messages in and out, nothing else."""
from common.errors import FailedPrecondition, InvalidArgument
from doca.images.v1 import images_pb2 as pb
from services.images.build import cache_filters, events, host_config
from services.images.build.executor import Options, parse_network, parse_tags
from services.images.registry.api import credentials


def _options(msg: pb.BuildOptions) -> Options:
    return Options(tags=parse_tags(msg.tags), dockerfile=msg.dockerfile or "Dockerfile",
                   dockerfile_content=msg.dockerfile_content if msg.HasField("dockerfile_content") else None,
                   build_args=dict(msg.build_args), target=msg.target, no_cache=msg.no_cache,
                   labels=dict(msg.labels), network=parse_network(msg.network),
                   registry_auths={k: credentials(v) for k, v in msg.registry_auths.items()}, pull=msg.pull,
                   host=host_config.from_message(msg))


def _message(ev) -> pb.BuildEvent:
    if isinstance(ev, events.Step):
        return pb.BuildEvent(step=pb.BuildStep(stage=ev.stage, number=ev.number, total=ev.total,
                                               instruction=ev.instruction, cached=ev.cached))
    if isinstance(ev, events.Output):
        return pb.BuildEvent(output=pb.BuildOutput(stream=ev.stream, data=ev.data))
    if isinstance(ev, events.Warning):
        return pb.BuildEvent(warning=ev.text)
    if isinstance(ev, events.Status):
        return pb.BuildEvent(status=ev.text)
    return pb.BuildEvent(result=pb.BuildResult(image_id=ev.image_id, tags=list(ev.tags)))


def build(builder, request_iterator, context):
    if builder is None:
        raise FailedPrecondition("this images service was started without a runtime to build with")
    first = next(request_iterator, None)
    if first is None or first.WhichOneof("part") != "options":
        raise InvalidArgument("a build stream starts with the options message; the context follows")

    def chunks():
        for msg in request_iterator:
            part = msg.WhichOneof("part")
            if part == "abort":
                raise InvalidArgument(f"the client could not send its build context: {msg.abort}")
            if part != "context":
                raise InvalidArgument("only context messages may follow the build options")
            yield msg.context

    job = builder.job(_options(first.options))
    job.receive(chunks())
    context.add_callback(job.cancel)  # the client went away: stop the RUN under way
    for ev in job.events():
        yield _message(ev)


def prune(builder, request: pb.PruneBuildCacheRequest) -> pb.PruneBuildCacheResponse:
    filters = cache_filters.parse(request.filters)  # Docker's errors, also without a builder
    if request.keep_storage < 0:
        raise InvalidArgument(f"invalid keep_storage {request.keep_storage}: a size in bytes, 0 for none")
    if builder is None:
        return pb.PruneBuildCacheResponse()
    r = builder.cache.prune(request.all, filters, request.keep_storage)
    return pb.PruneBuildCacheResponse(deleted=r.deleted, space_reclaimed=r.space_reclaimed)
