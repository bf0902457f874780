"""One build, step by step: the Dockerfile front end gives the plan; each
stage starts from its base (an image, an earlier stage, or nothing), then
each instruction either changes the config (ENV, CMD, LABEL...: no layer)
or makes a layer (RUN, COPY, ADD), unless the cache has it. An image the
store lacks (or any, with --pull) is pulled from its registry first (pulls.py).

A step's cache key is computed from the stage's layer identity (state.py)
and everything the step's result depends on:
- RUN: the command line, its environment (ENV and ARG values), working
  directory, user and mounts;
- COPY/ADD: the layer's entries, with each file's content digest and
  metadata (not mtimes, as Docker), their destinations in the image, owner
  and mode.
The final image is cached too, under a key of its whole config and
history, so a fully cached build gives the same image id (and writes
nothing but the tags that moved).

Everything the build uses or makes is pinned for its duration (pins): a
concurrent rmi or prune cannot take a layer out from under it.
"""
import contextlib
import copy
import dataclasses
import hashlib
import json
import re
import time

from common.errors import DocaError, InvalidArgument, Unavailable
from common import reference
from services.images import changes, counters, diff, digests, oci
from services.images import dockerfile as df
from services.images.build import entries as entries_mod
from services.images.build import events, layer, mounts, owner, sources
from common import fstree as trees
from services.images.build.cache import Hit
from services.images.build.describe import describe
from services.images.build.host_config import HostConfig
from common.layerview import LayerTree
from services.images import tarstream
from services.images.build.pulls import Puller
from services.images.build.run import Process
from services.images.build.state import StageState
from common.buildcontext.dockerignore import IgnoreMatcher
from services.images.dockerfile.instructions import DEFAULT_SHELL

KEY_VERSION = "doca-build-1"  # part of every key: a change of what keys mean starts afresh
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PLATFORM = f"{oci.OS}/{oci.ARCH}"
BUILTIN_ARGS = {"TARGETPLATFORM": PLATFORM, "TARGETOS": oci.OS, "TARGETARCH": oci.ARCH, "TARGETVARIANT": "",
                "BUILDPLATFORM": PLATFORM, "BUILDOS": oci.OS, "BUILDARCH": oci.ARCH, "BUILDVARIANT": ""}
PIPES = "/dev/pipes"  # where a heredoc script with a #! line is bound (in the container's /dev tmpfs)
_SCRIPT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def step_key(parent: str, kind: str, payload) -> str:
    text = json.dumps([KEY_VERSION, parent, kind, payload], sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def located(inst, exc: DocaError, what: str = "") -> DocaError:
    """The error, naming the Dockerfile line (front-end errors already do)
    and what on it failed. An unreachable registry's message stays first,
    the line after it: that start is how the gateway and the CLI tell it
    from a doca service that is down."""
    if isinstance(exc, df.DockerfileError) or not getattr(inst, "loc", None):
        return exc
    where = f"{inst.loc.file}:{inst.loc.line}" + (f": {what}" if what else "")
    if isinstance(exc, Unavailable) and exc.message.startswith("registry "):
        return type(exc)(f"{exc.message} ({where})", exc.exit_code)
    return type(exc)(f"{where}: {exc.message}", exc.exit_code)


@dataclasses.dataclass
class Options:
    tags: list = dataclasses.field(default_factory=list)   # parsed references
    dockerfile: str = "Dockerfile"
    dockerfile_content: bytes | None = None
    build_args: dict = dataclasses.field(default_factory=dict)
    target: str = ""
    no_cache: bool = False
    labels: dict = dataclasses.field(default_factory=dict)
    network: str = ""   # RUN steps' network: "" (the default one), "none", or a network's name
    registry_auths: dict = dataclasses.field(default_factory=dict)  # domain -> registry Credentials
    pull: bool = False  # pull the images the build names even when the store has them (--pull)
    host: HostConfig = dataclasses.field(default_factory=HostConfig)  # every RUN container's limits, hosts


class Executor:
    def __init__(self, svc, cache, runner, options: Options, context, emit, pins: contextlib.ExitStack,
                 build_dir, puller: Puller | None = None):
        self.svc, self.cache, self.runner = svc, cache, runner
        self.puller = puller or Puller(svc, options.registry_auths, options.pull, emit)
        self.opt = options
        self.context = context
        self.emit = emit
        self.pins = pins
        self.build_dir = build_dir
        self.states: dict[int, StageState] = {}
        self._bare: set[int] = set()  # stages that are an image's FROM and nothing more
        self._trees: dict[str, LayerTree] = {}

    # -- the build --------------------------------------------------------
    def build(self) -> str:
        name = self.opt.dockerfile or "Dockerfile"
        text = self.opt.dockerfile_content
        if text is None:
            text = self.context.read_file(name)
            if text is None:
                raise InvalidArgument(f"cannot find the Dockerfile {name!r} in the build context: "
                                      "give its path with -f")
        dockerfile = df.parse(text, name)
        self.plan = df.plan(dockerfile, self.opt.build_args, self.opt.target or None, BUILTIN_ARGS)
        if self.plan.unused_build_args:
            self.emit(events.Warning(f"[Warning] One or more build-args {list(self.plan.unused_build_args)} "
                                     "were not consumed"))
        ignore = self.context.read_file(".dockerignore")
        self.files = self.context.filtered(IgnoreMatcher.parse(ignore) if ignore else IgnoreMatcher())
        multi = len(self.plan.stages) > 1
        for index in self.plan.order:
            stage = self.plan.stages[index]
            self.states[index] = self._stage(stage, (stage.name or f"stage-{index}") if multi else "")
        target = self.states[self.plan.target]
        if self.plan.target in self._bare and not self.opt.labels:
            # FROM an image and nothing else: that image itself, as Docker's classic
            # builder gives it (no new image, and so no child of it).
            return self._tag(target.base)
        return self._image(target)

    def _stage(self, stage, label: str) -> StageState:
        state, triggers = self._base(stage)
        insts = triggers + list(stage.instructions)
        if not insts and state.base and stage.base_stage is None:
            self._bare.add(stage.index)
        total = 1 + len(insts)
        self.emit(events.Step(label, 1, total, f"FROM {stage.base}" + (f" AS {stage.name}" if stage.name else "")))
        scope = self.plan.scope(stage, base_env=state.config.get("Env") or [])
        for number, inst in enumerate(insts, start=2):
            try:
                self._step(stage, state, scope, scope.apply(inst),
                           lambda text, cached=False, n=number: events.Step(label, n, total, text, cached))
            except DocaError as e:
                raise located(inst, e) from None
        return state

    def _base(self, stage) -> tuple[StageState, list]:
        if stage.base_stage is not None:
            state = self.states[stage.base_stage].child()
        elif stage.scratch:
            state = StageState("scratch")
        else:
            try:
                state = self._image_state(stage.base)
            except DocaError as e:
                raise located(stage.from_, e, f"FROM {stage.base}") from None
        if stage.platform and stage.platform != PLATFORM:
            self.emit(events.Warning(f"[Warning] FROM --platform={stage.platform}: doca builds for {PLATFORM} only"))
        triggers = []
        for text in state.config.pop("OnBuild", None) or []:
            # Run once, by the child; its own children do not inherit them (as Docker).
            for inst in df.parse(text, f"{stage.from_.loc.file} (ONBUILD of {stage.base})").instructions:
                triggers.append(dataclasses.replace(inst, loc=stage.from_.loc))
        return state, triggers

    def _image_state(self, ref: str) -> StageState:
        self.puller.ensure(ref)  # missing (or --pull): from its registry, outside the lock
        with self.svc.lock:
            image_id = self.svc.resolve(ref).image_id
            manifest, config = self.svc.db.documents(image_id)
            # Pinned before the lock goes: an rmi now leaves what this build needs.
            chains = digests.chain_ids(oci.diff_ids(config))
            blobs = [d.get("digest") for d in manifest.get("layers", [])]
            self.pins.enter_context(self.svc.pinned(blobs=blobs, layers=chains))
        self.svc.unpacked(image_id)
        return StageState.from_image(image_id, manifest, config)

    def _tree(self, state: StageState):
        """The stage's root filesystem as it is now."""
        if not state.diff_ids:
            return trees.EmptyTree()
        t = self._trees.get(state.layer_image)
        if t is None:
            t = self._trees[state.layer_image] = LayerTree(
                [str(p) for p in reversed(self.svc.unpacked(state.layer_image))], xattrs=tarstream.xattrs)
        return t

    # -- steps ------------------------------------------------------------
    def _step(self, stage, state: StageState, scope, inst, step) -> None:
        if isinstance(inst, df.Run):
            return self._run(state, scope, inst, step)
        if isinstance(inst, (df.Copy, df.Add)):
            return self._copy(stage, state, inst, step)
        text = describe(inst)
        self.emit(step(text))
        self._configure(state, scope, inst)
        state.add_empty({"created": oci.rfc3339(time.time()), "created_by": text})

    def _configure(self, state: StageState, scope, inst) -> None:
        cfg = state.config
        if isinstance(inst, df.Arg):
            return  # the scope has it; RUN sees it, the image does not keep it
        if isinstance(inst, df.Env):
            cfg["Env"] = [f"{k}={v}" for k, v in scope.env.items()]
        elif isinstance(inst, df.Shell):
            cfg["Shell"] = list(inst.args)
        elif isinstance(inst, df.Maintainer):
            state.author = inst.value
        elif isinstance(inst, df.Entrypoint):
            cmd = cfg.get("Cmd")
            changes.apply_instruction(cfg, inst)  # drops the CMD...
            if state.cmd_set and cmd:
                cfg["Cmd"] = cmd  # ...unless this stage set it (Docker keeps it then)
        else:
            changes.apply_instruction(cfg, inst)
            if isinstance(inst, df.Cmd):
                state.cmd_set = True

    def _use(self, state: StageState, key: str, hit: Hit) -> None:
        if hit.image_id is None:
            state.add_empty(hit.history, key)
            return
        state.add_layer(key, hit.diff_id, hit.desc, hit.image_id, dict(hit.history))
        self.pins.enter_context(self.svc.pinned(blobs=[hit.desc.get("digest")], layers=state.chain_ids[-1:]))

    def _cached(self, key: str) -> Hit | None:
        hit = None if self.opt.no_cache else self.cache.step(key)
        counters.add(counters.BUILD_CACHE_HITS if hit is not None else counters.BUILD_CACHE_MISSES)
        return hit

    def _run(self, state: StageState, scope, inst, step) -> None:
        cfg = state.config
        shell = cfg.get("Shell") or DEFAULT_SHELL
        env = scope.run_env()
        env.setdefault("PATH", DEFAULT_PATH)
        env_list = [f"{k}={v}" for k, v in env.items()]
        workdir = cfg.get("WorkingDir") or "/"
        wanted = [mounts.parse(m, workdir) for m in inst.mounts]
        script = None
        if inst.command.shell:
            source = inst.shell_source()
            doc = inst.heredocs[0] if len(inst.heredocs) == 1 else None
            if doc is not None and source == doc.content and source.startswith("#!"):
                script = (doc.name if _SCRIPT_NAME.match(doc.name) else "script", source)
                args = [f"{PIPES}/{script[0]}"]
            else:
                args = [*shell, source]
        else:
            args = list(inst.command.args)
        if inst.network == "host":
            raise InvalidArgument("RUN --network=host is not supported: doca gives a build step its own "
                                  "network namespace (use the default network, or none)")
        network = "none" if inst.network == "none" else self.opt.network
        user = cfg.get("User") or ""
        key = step_key(state.key, "run", {"args": args, "env": sorted(env_list), "cwd": workdir, "user": user,
                                          "mounts": [m.spec() for m in wanted], "script": script,
                                          "network": network})
        text = describe(inst, shell)
        hit = self._cached(key)
        if hit is not None:
            self.emit(step(text, True))
            return self._use(state, key, hit)
        self.emit(step(text))
        runtime_mounts = [mounts.runtime_mount(m, self.svc.state) for m in wanted]
        if script is not None:
            path = self.build_dir / f"script-{script[0]}"
            path.write_text(script[1])
            path.chmod(0o755)
            runtime_mounts.append(mounts.script_mount(path, f"{PIPES}/{script[0]}"))
        process = Process(args, env_list, workdir, user, runtime_mounts, network)

        def output(stream: int, data: bytes) -> None:
            self.emit(events.Output(stream, data))

        with self.runner.container(state, process, output, [m.target for m in wanted]) as upper:
            hit = layer.commit(self.svc, state, lambda sink: diff.write(str(upper), sink).entries, text)
        self.cache.record_step(key, hit)
        self._use(state, key, hit)

    def _copy(self, stage, state: StageState, inst, step) -> None:
        text = describe(inst)
        if isinstance(inst, df.Copy) and inst.parents:
            raise InvalidArgument("COPY --parents is not supported by doca yet")
        if isinstance(inst, df.Add) and inst.checksum is not None:
            raise InvalidArgument("ADD --checksum is only for remote sources, which doca does not support yet")
        source, where, from_context = self.files, "build context", True
        if isinstance(inst, df.Copy) and inst.from_ is not None:
            source, where = self._from(inst.from_)
            from_context = False
        dest = self._tree(state)
        req = sources.Request(
            keyword=inst.keyword, sources=inst.sources, dest=inst.dest,
            workdir=state.config.get("WorkingDir") or "/", heredocs=inst.heredocs,
            owner=owner.resolve(inst.chown, dest) if inst.chown else None,
            chmod=sources.parse_chmod(inst.chmod), excludes=inst.excludes, from_context=from_context,
            where=where)
        items = sources.plan(req, source, dest, int(time.time()))
        key = step_key(state.key, "copy", entries_mod.fingerprint(items))
        hit = self._cached(key)
        if hit is not None:
            self.emit(step(text, True))
            return self._use(state, key, hit)
        self.emit(step(text))
        hit = layer.commit(self.svc, state, lambda sink: entries_mod.write_layer(items, sink), text)
        self.cache.record_step(key, hit)
        self._use(state, key, hit)

    def _from(self, ref: str):
        """The tree COPY --from=ref reads: a stage (name or number) or an image."""
        names = {s.name: s.index for s in self.plan.stages if s.name}
        index = int(ref) if ref.isascii() and ref.isdigit() else names.get(ref.lower())
        if index is not None:
            return self._tree(self.states[index]), f"stage {self.plan.stages[index].label}"
        return self._tree(self._image_state(ref)), f"image {ref}"

    # -- the image --------------------------------------------------------
    def _image(self, state: StageState) -> str:
        config = copy.deepcopy(state.config)
        if self.opt.labels:
            config["Labels"] = {**(config.get("Labels") or {}), **self.opt.labels}
        extra = dict(state.extra)
        if state.author:
            extra["author"] = state.author
        key = step_key(state.key, "image", {
            "config": config, "extra": extra,
            "history": [[h.get("created_by", ""), bool(h.get("empty_layer"))] for h in state.history]})
        image_id = self._cached_image(key)
        if image_id is None:
            image_id = self.svc.create_image(diff_ids=state.diff_ids, created=time.time(),
                                             history=state.history, config=config,
                                             layer_descs=state.descs, extra=extra, parent=state.base)
            self.cache.record_image(key, image_id)
        return self._tag(image_id)

    def _tag(self, image_id: str) -> str:
        with self.svc.lock:
            for ref in self.opt.tags:
                self.svc.tags.set(str(ref), image_id)
        return image_id

    def _cached_image(self, key: str) -> str | None:
        return None if self.opt.no_cache else self.cache.image(key)


def parse_network(text: str) -> str:
    """"" (the default network), "none", "host" (the host's own, as Docker's
    classic builder takes it) or a network's name."""
    return "" if text in ("", "default", "bridge") else text


def parse_tags(texts) -> list:
    out = []
    for text in texts:
        ref = reference.parse(text)
        if ref.digest:
            raise InvalidArgument(f"invalid tag {text!r}: a tag cannot contain a digest")
        out.append(ref)
    return out
