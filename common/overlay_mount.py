"""A container's root as one overlay mount, described the way containerd's
snapshotters answer (type, source, options): made by the images service
for PrepareSnapshot and its build's RUN containers, mounted as given by the
runtime, which makes it itself only for a record older than the
description (its directories alone).

The options are the whole lowerdir list in one: the runtime's mount falls
back to one fsconfig "lowerdir+" per layer when the string passes
mount(2)'s one-page limit (services/runtime/overlay_linux.py)."""


def overlay(lower_dirs: list[str], upper_dir: str, work_dir: str) -> dict:
    """`lower_dirs`: top layer first, as overlayfs stacks them."""
    return {"type": "overlay", "source": "overlay",
            "options": [f"lowerdir={':'.join(lower_dirs)}", f"upperdir={upper_dir}", f"workdir={work_dir}"]}
