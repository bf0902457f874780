"""POST /build: a tar context in the body onto doca.v1.Images.Build, the
progress as the classic builder's JSON stream ({"stream": "Step 1/3 : FROM
..."}, {"aux": {"ID": ...}}, "Successfully built ...", errors as errorDetail).
doca's builder is the classic one (/_ping says Builder-Version 1), so docker
28's CLI without buildx builds through here too."""
import re

import grpc

from doca.v1 import images_pb2 as pb
from gateway.docker import build_steps, image_common as ic
from gateway.docker.errors import ApiError
from gateway.docker.http import Stream
from gateway.docker.router import route

# Query parameters that map one to one onto BuildOptions' fields of the RUN
# steps' limits (int: bytes or shares; str: as given).
INT_LIMITS = {"memory": "memory", "memswap": "memory_swap", "cpushares": "cpu_shares", "cpuperiod": "cpu_period",
              "cpuquota": "cpu_quota", "shmsize": "shm_size"}
STR_LIMITS = {"cpusetcpus": "cpuset_cpus", "cpusetmems": "cpuset_mems", "cgroupparent": "cgroup_parent"}


def _json_param(req, name: str, kind):
    value = req.query.json(name, None)
    if value is not None and not isinstance(value, kind):
        raise ApiError(400, f"invalid {name} parameter: not a JSON {kind.__name__}")
    return value


def _server_key(server: str) -> str:
    """X-Registry-Config's keys ("https://index.docker.io/v1/", "127.0.0.1:5000")
    as the domain a reference names (BuildOptions.registry_auths' keys)."""
    host = re.sub(r"^https?://", "", server).split("/", 1)[0]
    return "docker.io" if host in ("index.docker.io", "registry-1.docker.io", "") else host


def options(req) -> pb.BuildOptions:
    q = req.query
    refused = [
        ("remote", bool(q.get("remote")), "remote build contexts (a URL or git repository) are not supported"),
        ("squash", q.bool("squash"), "squash is not supported"),
        ("outputs", bool(q.get("outputs")), "outputs (an exporter) needs BuildKit; doca builds as the classic builder"),
        ("version", q.get("version") not in ("", "1"), "doca builds with the classic builder alone (version=1)"),
        ("isolation", q.get("isolation") not in ("", "default"), "isolation is not supported on Linux"),
    ]
    for name, bad, why in refused:
        if bad:
            raise ApiError(400, f"{name}: {why}")
    ic.check_platform(req, "builds")
    opts = pb.BuildOptions(dockerfile=q.get("dockerfile"), target=q.get("target"), no_cache=q.bool("nocache"),
                           pull=q.bool("pull"), network=q.get("networkmode"))
    opts.tags.extend(t for t in q.all("t") if t)
    for key, value in (_json_param(req, "buildargs", dict) or {}).items():
        if value is not None:  # null: "take it from the client's environment", which the client did
            opts.build_args[key] = str(value)
    for key, value in (_json_param(req, "labels", dict) or {}).items():
        opts.labels[key] = "" if value is None else str(value)
    limits = {f: q.int(p) for p, f in INT_LIMITS.items() if q.get(p)}
    limits.update({f: q.get(p) for p, f in STR_LIMITS.items() if q.get(p)})
    ulimits = _json_param(req, "ulimits", list) or []
    hosts = [h for h in q.all("extrahosts") if h]
    for field, value in limits.items():
        if value not in (0, ""):
            setattr(opts, field, value)
    for u in ulimits:
        try:
            opts.ulimits.append(f"{u['Name']}={int(u.get('Soft', 0))}:{int(u.get('Hard', u.get('Soft', 0)))}")
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ApiError(400, "invalid ulimits parameter: each is {Name, Soft, Hard}, limits as integers") from None
    opts.add_hosts.extend(hosts)
    for server, doc in ic.registry_config(req).items():
        auth = ic.auth_of(doc)
        if auth.username or auth.identity_token:
            opts.registry_auths[_server_key(server)].CopyFrom(auth)
    # cachefrom (images to take cached steps from), rm and forcerm (the
    # intermediate containers, which doca's builder always removes) change no
    # image: accepted as they come.
    _json_param(req, "cachefrom", list)
    return opts


@route("POST", "/build")
def build(req, backend):
    opts = options(req)
    quiet = req.query.bool("q")
    context = ic.plain_tar(ic.spool(req))
    ic.end_tar(context)
    text = build_steps.dockerfile_in(context, opts.dockerfile)
    numbering = build_steps.Numbering(build_steps.instructions(text) if text else None, opts.target)

    def inputs():
        yield pb.BuildInput(options=opts)
        for data in ic.chunks_of(context):
            yield pb.BuildInput(context=data)
    call = backend.images.Build(inputs())
    # A context that is no tar or a Dockerfile that does not parse is the
    # response's status, as Docker's; what fails once steps run (a FROM image
    # missing: Docker has said "Step 1/N : FROM ..." by then, a RUN step) is
    # in the stream, where clients look for a build's error.
    try:
        events = ic.first_then_rest(call)
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.INVALID_ARGUMENT:
            raise
        return Stream(iter([ic.error_message(ic.rpc_message(e))]), "application/json")
    return Stream(_progress(call, events, numbering, quiet), "application/json", on_close=call.cancel)


def _progress(call, events, numbering, quiet: bool):
    line_open = False  # RUN output that did not end its line yet
    try:
        for ev in events:
            kind = ev.WhichOneof("event")
            if kind == "result":
                r = ev.result
                if line_open:
                    yield ic.message(stream="\n")
                yield ic.message(aux={"ID": r.image_id})
                if quiet:
                    yield ic.message(stream=r.image_id + "\n")
                else:
                    yield ic.message(stream=f"Successfully built {r.image_id.split(':', 1)[-1][:12]}\n")
                    for t in r.tags:
                        yield ic.message(stream=f"Successfully tagged {t}\n")
                continue
            if quiet:
                continue
            if kind == "step":
                number, total = numbering.step(ev.step)
                text = numbering.text(number, ev.step.instruction)
                head = ("\n" if line_open else "") + f"Step {number}/{total} : {text}\n"
                yield ic.message(stream=head)
                if ev.step.cached:
                    yield ic.message(stream=" ---> Using cache\n")
                line_open = False
            elif kind == "output":
                text = ev.output.data.decode("utf-8", "replace")
                if text:
                    yield ic.message(stream=text)
                    line_open = not text.endswith("\n")
            elif kind == "warning":
                yield ic.message(stream=("\n" if line_open else "") + f"[Warning] {ev.warning}\n")
                line_open = False
            elif kind == "status":
                yield ic.message(status=ev.status)
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            yield ic.error_message(ic.rpc_message(e))
    finally:
        call.cancel()

