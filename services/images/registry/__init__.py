"""OCI distribution client: pull and push images from and to any registry.

    hosts.py      which registry host a reference names; https or plain http
    auth.py       WWW-Authenticate challenges, bearer tokens, basic auth
    client.py     one registry session: requests with auth, errors as domain errors
    manifests.py  manifests and indexes: media types, platform selection
    fetch.py      a blob streamed into the content store, digest checked as it comes
    pull.py       a whole pull: manifest, config, layers in parallel, unpacked as they land
    mirrored.py   which endpoint a pull uses: the registry's mirrors first (common/mirrors.py)
    upload.py     a blob sent: HEAD, cross-repository mount, monolithic or chunked
    push.py       a whole push: blobs the registry lacks, then the manifest
    sources.py    where each blob is known to be (for cross-repository mounts)
    progress.py   per-layer progress events for the streamed RPCs
    login.py      checks credentials against a registry (the CLI stores them)
"""
