"""docker build, in the images service.

A Build call brings options, then the build context as a tar stream; the
events stream back. The pieces, in the order a build meets them:

    builder.py    lives with the service: cache, runtime channel, recovery
    job.py        one call: receive the context, run in a thread, stream events
    context.py    the context tar, indexed, never extracted (a tree)
    executor.py   the plan (../dockerfile), stage by stage, step by step
    pulls.py      images the build names that the store lacks, from their registries
    state.py      a stage's layers, config and history as steps go
    cache.py      step key -> layer (intermediate images under a lease)
    run.py        RUN in a runtime container; its upper dir is the layer
    mounts.py     RUN --mount=type=cache|tmpfs
    sources.py    COPY/ADD: which files go where (globs, dirs, dest rules)
    owner.py      --chown names from the image's passwd and group
    archives.py   ADD of a local tar: streamed into the layer
    entries.py    a COPY layer's entries: fingerprint (cache key) and tar
    layer.py      a tar -> blob, unpacked layer, intermediate image
    tree.py, layerview.py   what COPY reads: the context, or layers merged
    describe.py   an instruction as one line (progress, history)
"""
