"""Where a stage is after each step: its layers, its image config, its
history, and `key`, the cache identity of the layers (what a step's cache
key starts from).

`key` is the base image's id for an image, "scratch" for none, and after
each step that makes (or would make) a layer that step's cache key. Steps
that only change the config leave it as it is: a LABEL does not make the
RUN after it run again; what a RUN or COPY depends on in the config (env,
workdir, user, shell) is part of its own key.
"""
import copy
import dataclasses

from services.images import digests, oci


@dataclasses.dataclass
class StageState:
    key: str
    diff_ids: list[str] = dataclasses.field(default_factory=list)
    descs: list[dict] = dataclasses.field(default_factory=list)
    layer_image: str | None = None   # an image whose layers are exactly these (snapshots refer to it)
    config: dict = dataclasses.field(default_factory=dict)   # the runnable part: Env, Cmd, ...
    history: list[dict] = dataclasses.field(default_factory=list)
    extra: dict = dataclasses.field(default_factory=dict)    # other top-level config fields of the base
    author: str = ""
    cmd_set: bool = False            # CMD given in this stage (a later ENTRYPOINT keeps it)
    base: str = ""                   # the FROM image's id ("" for scratch): the built image's Parent

    @property
    def chain_ids(self) -> list[str]:
        return digests.chain_ids(self.diff_ids)

    def child(self) -> "StageState":
        """A copy to build a stage on (FROM an earlier stage)."""
        return StageState(self.key, list(self.diff_ids), list(self.descs), self.layer_image,
                          copy.deepcopy(self.config), list(self.history), dict(self.extra), self.author,
                          base=self.base)

    @classmethod
    def from_image(cls, image_id: str, manifest: dict, config: dict) -> "StageState":
        extra = {k: v for k, v in config.items()
                 if k not in ("created", "config", "rootfs", "history", "author", "comment", "container_config")}
        history = [h for h in config.get("history") or [] if isinstance(h, dict)]
        return cls(key=image_id, diff_ids=oci.diff_ids(config), descs=list(manifest.get("layers") or []),
                   layer_image=image_id, config=copy.deepcopy(config.get("config") or {}),
                   history=history, extra=extra, author=config.get("author") or "", base=image_id)

    def add_layer(self, key: str, diff_id: str, desc: dict, image_id: str, entry: dict) -> None:
        self.key = key
        self.diff_ids.append(diff_id)
        self.descs.append(desc)
        self.layer_image = image_id
        self.history.append(entry)

    def add_empty(self, entry: dict, key: str | None = None) -> None:
        if key is not None:
            self.key = key
        self.history.append(dict(entry, empty_layer=True))
