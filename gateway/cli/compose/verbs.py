"""`doca compose VERB`: the handlers. Each loads the project (loader.py),
makes its model (model.py) and acts through engine.py, which goes through
the CLI's own verbs and stubs."""
import sys

from gateway.cli.compose import engine, labels as L
from gateway.cli.compose.engine import say
from gateway.cli.compose.errors import ComposeError
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.client import RpcError


def _model(args, interpolating: bool = True):
    from gateway.cli.compose import loader, model
    return model.Model(loader.load(args, interpolating))


def _cname(model, name: str, number: int) -> str:
    return model.services[name]["container_name"] or f"{model.name}-{name}-{number}"


def _timeout(args) -> int:
    t = getattr(args, "timeout", None)
    return -1 if t is None else t


# -- images -------------------------------------------------------------------

def _image_id(args, image: str) -> str:
    """The image's id, "" when the store has none of that name."""
    from gateway.cli import output
    try:
        return output.struct_to_dict(conn.images(args).Inspect(pb.ImageRef(reference=image))).get("Id", "")
    except RpcError as err:
        if engine.not_found(err):
            return ""
        raise


def _build_one(args, model, name: str, no_cache=False, pull=False, quiet=False) -> None:
    import os
    svc = model.services[name]
    b = svc["build"]
    dockerfile = b["dockerfile"] if os.path.isabs(b["dockerfile"]) else os.path.join(b["context"], b["dockerfile"])
    argv = ["-t", svc["image"], "-f", dockerfile]
    for k, v in (b.get("args") or {}).items():
        argv += ["--build-arg", f"{k}={v}"]
    for k, v in (b.get("labels") or {}).items():
        argv += ["--label", f"{k}={v}"]
    if b.get("target"):
        argv += ["--target", b["target"]]
    argv += (["--no-cache"] if no_cache else []) + (["--pull"] if pull else []) + (["-q"] if quiet else [])
    from gateway.cli import build
    sub = engine.cli_args(args, "build", [*argv, b["context"]])
    stdout, sys.stdout = sys.stdout, sys.stderr  # a build's steps are progress: stderr, as Compose
    try:
        code = build.build(sub)
    finally:
        sys.stdout = stdout
    if code:
        raise ComposeError(f'failed to build service "{name}"')
    say(f"Service {name}  Built")


def _ensure_image(args, model, name: str, build: bool) -> str:
    """Builds or pulls the service's image as needed; its id (Compose's
    com.docker.compose.image label: a new image recreates the container)."""
    svc = model.services[name]
    if svc["build"] is not None and (build or not _image_id(args, svc["image"])):
        _build_one(args, model, name)
    elif svc["build"] is None and (svc["pull_policy"] == "always" or not _image_id(args, svc["image"])):
        from gateway.cli import registry
        say(f"{name} Pulling")
        registry.fetch(args, svc["image"], out=sys.stderr)
        say(f"{name} Pulled")
    return _image_id(args, svc["image"])


# -- containers ----------------------------------------------------------------

def _create(args, model, name: str, number: int, image_id: str) -> str:
    from gateway.cli import run
    cname = _cname(model, name, number)
    lab = L.container(model.project, name, model.services[name], number, oneoff=False, image=image_id)
    sub, config = engine.create_config(args, model, name, cname, lab)
    resp = run.with_image(sub, lambda: conn.containers(args).Create(config))
    run.warn(resp.warnings)
    engine.connect_networks(args, model, name, resp.id)
    say(f"Container {cname}  Created")
    return resp.id


def _converge(args, model, name: str, image_id: str, force: bool = False, no_recreate: bool = False) -> list:
    """The service's container, made or made again when its configuration
    or its image changed (its config-hash and image labels); [(id, name)]."""
    want = L.config_hash(model.services[name])
    found = engine.containers(args, model.name, [name])
    if not found:
        return [(_create(args, model, name, 1, image_id), _cname(model, name, 1))]
    out = []
    for c in found:
        same = c.labels.get(L.CONFIG_HASH) == want and c.labels.get(L.IMAGE, "") == image_id
        if no_recreate or (same and not force):
            out.append((c.id, c.name))
            continue
        say(f"Container {c.name}  Recreate")
        conn.containers(args).Stop(pb.StopRequest(id=c.id, timeout=_timeout(args)))
        conn.containers(args).Remove(pb.RemoveRequest(id=c.id, force=True))
        number = int(c.labels.get(L.NUMBER, "1") or 1)
        out.append((_create(args, model, name, number, image_id), _cname(model, name, number)))
        say(f"Container {c.name}  Recreated")
    return out


def _wait_for(args, model, name: str, made: dict) -> None:
    """Blocks until what `name` depends on is as its depends_on conditions want."""
    import time
    for dep, opts in model.services[name]["depends_on"].items():
        cond = opts["condition"]
        for cid, cname in made.get(dep, []):
            if cond == "service_completed_successfully":
                say(f"Container {cname}  Waiting")
                code = conn.containers(args).Wait(pb.ContainerRef(id=cid)).exit_code
                if code != 0:
                    raise ComposeError(f'service "{dep}" didn\'t complete successfully: exit {code}')
                say(f"Container {cname}  Exited")
            elif cond == "service_healthy":
                say(f"Container {cname}  Waiting")
                while True:
                    state = engine.inspect(args, cid).get("State") or {}
                    health = (state.get("Health") or {}).get("Status")
                    if health is None:
                        raise ComposeError(f"container {cname} has no healthcheck configured")
                    if health == "healthy":
                        say(f"Container {cname}  Healthy")
                        break
                    if health == "unhealthy":
                        raise ComposeError(f"dependency failed to start: container {cname} is unhealthy")
                    if not state.get("Running"):
                        raise ComposeError(f"dependency failed to start: container {cname} exited "
                                           f"({state.get('ExitCode', 0)})")
                    time.sleep(0.2)


def _start(args, model, name: str, made: dict) -> None:
    _wait_for(args, model, name, made)
    for cid, cname in made[name]:
        state = engine.inspect(args, cid).get("State") or {}
        if state.get("Running"):
            say(f"Container {cname}  Running")
            continue
        say(f"Container {cname}  Starting")
        conn.containers(args).Start(pb.ContainerRef(id=cid))
        say(f"Container {cname}  Started")


def _orphans(args, model) -> list:
    return [c for c in engine.containers(args, model.name, oneoff=None)
            if c.labels.get(L.SERVICE) not in model.services]


def _warn_orphans(orphans) -> None:
    if orphans:
        names = " ".join(c.name for c in orphans)
        sys.stderr.write(f"WARN[0000] Found orphan containers ([{names}]) for this project. If you removed or "
                         "renamed this service in your compose file, you can run this command with the "
                         "--remove-orphans flag to clean it up.\n")


def _remove(args, containers, volumes: bool = False) -> None:
    for c in containers:
        say(f"Container {c.name}  Stopping")
        try:
            conn.containers(args).Stop(pb.StopRequest(id=c.id, timeout=_timeout(args)))
            say(f"Container {c.name}  Stopped")
            say(f"Container {c.name}  Removing")
            conn.containers(args).Remove(pb.RemoveRequest(id=c.id, force=True, volumes=volumes))
        except RpcError as err:
            if not engine.not_found(err):
                raise
        say(f"Container {c.name}  Removed")


def _bring_up(args, model, names, build=False, force=False, no_recreate=False) -> dict:
    nets, vols = engine.used(model, names)
    engine.ensure_networks(args, model, nets)
    engine.ensure_volumes(args, model, vols)
    made = {}
    for name in names:
        made[name] = _converge(args, model, name, _ensure_image(args, model, name, build), force, no_recreate)
    for name in names:
        _start(args, model, name, made)
    return made


def up(args) -> int:
    model = _model(args)
    names = model.selected(args.services, with_deps=not args.no_deps)
    orphans = _orphans(args, model)
    if args.remove_orphans:
        _remove(args, orphans)
    else:
        _warn_orphans(orphans)
    made = _bring_up(args, model, names, args.build, args.force_recreate, args.no_recreate)
    if args.detach:
        return 0
    from gateway.cli.compose import logs
    targets = [t for name in names for t in made[name]]
    shown = {c.id: engine.short_name(c.name, c.labels) for c in engine.containers(args, model.name, names)}
    print(f"Attaching to {', '.join(shown.get(cid, n) for cid, n in targets)}", flush=True)
    try:
        logs.show(args, [(cid, shown.get(cid, cname)) for cid, cname in targets], follow=True)
        for cid, cname in targets:
            code = (engine.inspect(args, cid).get("State") or {}).get("ExitCode", 0)
            print(f"{shown.get(cid, cname)} exited with code {code}", flush=True)
    except KeyboardInterrupt:
        sys.stderr.write("Gracefully stopping... (press Ctrl+C again to force)\n")
        for name in reversed(names):
            for cid, cname in made[name]:
                say(f"Container {cname}  Stopping")
                conn.containers(args).Stop(pb.StopRequest(id=cid, timeout=_timeout(args)))
                say(f"Container {cname}  Stopped")
        return 130
    return 0


def down(args) -> int:
    from gateway.cli.compose.errors import NoFile
    try:
        model = _model(args)
    except NoFile:
        if not args.project_name:
            raise
        model = None  # -p alone: the project as its labels say
    project = model.name if model else args.project_name
    every = engine.containers(args, project, oneoff=None)
    if model is None:
        mine, orphans = every, []
    else:
        mine = [c for c in every if c.labels.get(L.SERVICE) in model.services]
        orphans = [c for c in every if c.labels.get(L.SERVICE) not in model.services]
        order = {n: i for i, n in enumerate(model.order)}
        mine.sort(key=lambda c: -order.get(c.labels.get(L.SERVICE), 0))  # dependents first
    if args.remove_orphans:
        mine += orphans
    else:
        _warn_orphans(orphans)
    _remove(args, mine, volumes=args.volumes)
    nets = [n["name"] for n in model.networks.values() if not n["external"]] if model else \
        [n.name for n in conn.networks(args).List(pb.ListNetworksRequest(
            filters=[f"label={L.PROJECT}={project}"])).networks]
    for name in nets:
        try:
            conn.networks(args).Remove(pb.NetworkRef(id=name))
        except RpcError as err:
            if engine.not_found(err):
                continue
            raise
        say(f"Network {name}  Removed")
    if args.volumes:
        vols = [v["name"] for v in model.volumes.values() if not v["external"]] if model else \
            [v.name for v in conn.volumes(args).List(pb.ListVolumesRequest(
                filters=[f"label={L.PROJECT}={project}"])).volumes]
        for name in vols:
            try:
                conn.volumes(args).Remove(pb.RemoveVolumeRequest(name=name))
            except RpcError as err:
                if engine.not_found(err):
                    continue
                raise
            say(f"Volume {name}  Removed")
    return 0


def ps(args) -> int:
    model = _model(args)
    if args.services_only:
        for name in model.order:
            print(name)
        return 0
    wanted = model.selected(args.services, with_deps=False) if args.services else None
    found = engine.containers(args, model.name, wanted, all_=args.all)
    if args.quiet:
        for c in found:
            print(c.id)
        return 0
    from common import humanize
    from gateway.cli import output
    from gateway.cli.containers import _ports, quote_command
    from gateway.cli.rpc.tojson import seconds
    output.table(["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"],
                 [[c.name, c.image, quote_command(c.command, True), c.labels.get(L.SERVICE, ""),
                   humanize.ago(seconds(c.created_at)), c.status, _ports(c)] for c in found])
    return 0


def logs(args) -> int:
    model = _model(args)
    wanted = model.selected(args.services, with_deps=False) if args.services else None
    found = engine.containers(args, model.name, wanted)
    from gateway.cli.compose import logs as show
    show.show(args, [(c.id, engine.short_name(c.name, c.labels)) for c in found], follow=args.follow, tail=args.tail,
              timestamps=args.timestamps, prefix=not args.no_log_prefix, since=args.since, until=args.until)
    return 0


def build(args) -> int:
    model = _model(args)
    names = [n for n in model.selected(args.services, with_deps=False) if model.services[n]["build"]]
    for name in names:
        _build_one(args, model, name, args.no_cache, args.pull, args.quiet)
    return 0


def pull(args) -> int:
    model = _model(args)
    from gateway.cli import registry
    code = 0
    for name in model.selected(args.services, with_deps=False):
        svc = model.services[name]
        if svc["build"] is not None:
            continue  # built here, not pulled
        say(f"{name} Pulling")
        try:
            registry.fetch(args, svc["image"], quiet=True, out=sys.stderr) if args.quiet else \
                registry.fetch(args, svc["image"], out=sys.stderr)
        except RpcError:
            if not args.ignore_pull_failures:
                raise
            code = 0
        say(f"{name} Pulled")
    return code


def config(args) -> int:
    model = _model(args, interpolating=not args.no_interpolate)
    if args.quiet:
        return 0
    if args.services_only:
        print("\n".join(model.order))
        return 0
    if args.volumes_only:
        print("\n".join(model.volumes))
        return 0
    doc = model.document()
    if args.format == "json":
        import json
        print(json.dumps(doc, indent=2))
        return 0
    import yaml
    sys.stdout.write(yaml.safe_dump(doc, sort_keys=False, default_flow_style=False))
    return 0


def _service_container(args, model, service: str, index: int, running: bool = True):
    if service not in model.services:
        raise ComposeError(f"no such service: {service}")
    found = [c for c in engine.containers(args, model.name, [service], all_=not running)
             if c.labels.get(L.NUMBER) == str(index)]
    if not found:
        raise ComposeError(f'service "{service}" is not running')
    return found[0]


def exec_(args) -> int:
    model = _model(args)
    c = _service_container(args, model, args.service, args.index)
    from gateway.cli import exec as execverb
    tty = not args.no_tty and sys.stdin.isatty()
    argv = (["-d"] if args.detach else ["-i"] + (["-t"] if tty else []))
    for e in args.env:
        argv += ["-e", e]
    for key, flag in (("workdir", "-w"), ("user", "-u")):
        if getattr(args, key):
            argv += [flag, getattr(args, key)]
    if args.privileged:
        argv.append("--privileged")
    return execverb.exec_(engine.cli_args(args, "exec", [*argv, c.id, *args.command]))


def run(args) -> int:
    import secrets
    from gateway.cli import run as runverb
    model = _model(args)
    name = args.service
    if name not in model.services:
        raise ComposeError(f"no such service: {name}")
    deps = [] if args.no_deps else [n for n in model.selected([name]) if n != name]
    if deps:
        _wait_for(args, model, name, _bring_up(args, model, deps))
    nets, vols = engine.used(model, [name])
    engine.ensure_networks(args, model, nets)
    engine.ensure_volumes(args, model, vols)
    image_id = _ensure_image(args, model, name, False)
    slug = secrets.token_hex(32)
    cname = args.name or f"{model.name}-{name}-run-{slug[:12]}"
    lab = {**L.container(model.project, name, model.services[name], 1, oneoff=True, slug=slug, image=image_id),
           **dict((x.split("=", 1) + [""])[:2] for x in args.label)}
    overrides = {"environment": dict((e.split("=", 1) + [None])[:2] for e in args.env)}
    if args.command:
        overrides["command"] = args.command
    if args.entrypoint is not None:
        import shlex
        overrides["entrypoint"] = shlex.split(args.entrypoint)
    for key in ("workdir", "user"):
        if getattr(args, key):
            overrides["working_dir" if key == "workdir" else key] = getattr(args, key)
    overrides["publish"] = list(args.publish)
    overrides["volumes"] = [_run_volume(model, v) for v in args.volume]
    tty = not args.no_tty and sys.stdin.isatty()
    extra = (["-d"] if args.detach else []) + (["--rm"] if args.rm else []) + \
        ([] if args.detach else ["-i"] + (["-t"] if tty else []))  # stdin attached, as Compose
    argv = engine.create_argv(model, name, cname, lab, ports=args.service_ports, overrides=overrides)
    entry = engine.entrypoint_of(model, name, overrides)
    if entry is not None:
        # run's --entrypoint takes one word: the list is set on the ContainerConfig
        # run.run sends (this process makes that one call; run.config is its maker)
        made = runverb.config

        def config(a):
            c = made(a)
            del c.entrypoint[:]
            c.entrypoint.extend(entry or [""])
            return c
        runverb.config = config
    return runverb.run(engine.cli_args(args, "run", [*extra, *argv]))


def _run_volume(model, text: str) -> dict:
    from gateway.cli.compose import model as m
    return m._volume(model.project, model, "run", text, "--volume")


def _each(args, verb: str, reverse: bool = False) -> int:
    model = _model(args)
    names = model.selected(args.services, with_deps=False) if args.services else model.order
    if reverse:
        names = list(reversed(names))
    stub = conn.containers(args)
    for name in names:
        for c in engine.containers(args, model.name, [name]):
            if verb == "stop":
                say(f"Container {c.name}  Stopping")
                stub.Stop(pb.StopRequest(id=c.id, timeout=_timeout(args)))
                say(f"Container {c.name}  Stopped")
            elif verb == "restart":
                say(f"Container {c.name}  Restarting")
                stub.Restart(pb.StopRequest(id=c.id, timeout=_timeout(args)))
                say(f"Container {c.name}  Started")
            else:
                if c.state == "running":
                    continue
                say(f"Container {c.name}  Starting")
                stub.Start(pb.ContainerRef(id=c.id))
                say(f"Container {c.name}  Started")
    return 0


def stop(args) -> int:
    return _each(args, "stop", reverse=True)


def start(args) -> int:
    return _each(args, "start")


def restart(args) -> int:
    return _each(args, "restart")
