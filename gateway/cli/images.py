"""`doca images`, `rmi`, `import`, `tag`, `history`, `image inspect|prune`."""
import sys

from common import humanize, units
from gateway.cli import each, gotime, output, tableformat
from gateway.cli.rpc import conn, doca_v1 as pb, tojson

CHUNK = 1 << 20


def _short(image_id: str, no_trunc: bool = False) -> str:
    return image_id if no_trunc else image_id.split(":", 1)[-1][:12]


def _names(img, with_digests: bool) -> list[tuple[str, str, str]]:
    """(repository, tag, digest) rows of an image, as Docker's CLI makes
    them: a row per tag (with --digests, per tag and digest of its
    repository), a repository known only by a digest gets a row of its own
    with tag <none>, and an image with neither is <none> <none>."""
    digests: dict[str, list[str]] = {}
    for text in img.repo_digests:
        repo, _, digest = text.partition("@")
        digests.setdefault(repo, []).append(digest)
    rows = []
    for tag in img.repo_tags:
        repo, _, name = tag.rpartition(":")
        for digest in (digests.get(repo) if with_digests else None) or ["<none>"]:
            rows.append((repo, name, digest))
    tagged = {r for r, _, _ in rows}
    for repo, ds in digests.items():
        if repo not in tagged:
            rows += [(repo, "<none>", d) for d in ds] if with_digests else [(repo, "<none>", "<none>")]
    return rows or [("<none>", "<none>", "<none>")]


IMAGES_HEADERS = {"ID": "IMAGE ID", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT"}


def images(args) -> int:
    from gateway.cli import filterflag
    filters = filterflag.check(args.filter) + ([f"reference={args.repository}"] if args.repository else [])
    resp = conn.images(args).List(pb.ListImagesRequest(all=args.all, filters=filters))
    rows, docs = [], []
    templated = args.format not in ("", "table")
    for img in resp.images:
        short = _short(img.id, args.no_trunc)
        if args.quiet:
            print(short)
            continue
        created_at = tojson.seconds(img.created)
        for repo, name, digest in _names(img, args.digests or templated):
            if templated:
                docs.append({"Containers": "N/A", "CreatedAt": gotime.string(created_at),
                             "CreatedSince": humanize.ago(created_at), "Digest": digest, "ID": short,
                             "Repository": repo, "Tag": name, "Size": units.human_size(img.size)})
            else:
                rows.append([repo, name] + ([digest] if args.digests else [])
                            + [short, humanize.ago(created_at), units.human_size(img.size)])
    if templated:
        sys.stdout.write(tableformat.render(args.format, docs, IMAGES_HEADERS))
    elif not args.quiet:
        output.table(["REPOSITORY", "TAG"] + (["DIGEST"] if args.digests else [])
                     + ["IMAGE ID", "CREATED", "SIZE"], rows)
    return 0


def rmi(args) -> int:
    stub = conn.images(args)

    def show(ref, resp):
        for t in resp.untagged:
            print(f"Untagged: {t}")
        for d in resp.deleted:
            print(f"Deleted: {d}")
    return each.each(args.images, lambda r: stub.Remove(pb.RemoveImageRequest(reference=r, force=args.force)), show,
                     missing_ok=each.say_missing if args.force else None)


def open_input(path: str):
    """A file the CLI reads (import, load -i), refused as Go's os.Open says it: 'open PATH: REASON'."""
    try:
        return open(path, "rb")
    except OSError as e:
        raise OSError(f"open {path}: {(e.strerror or str(e)).lower()}") from None


def import_(args) -> int:
    f = sys.stdin.buffer if args.file == "-" else open_input(args.file)  # before the call, as Docker's

    def chunks():
        yield pb.ImportChunk(header=pb.ImportChunk.Header(reference=args.reference, message=args.message,
                                                          changes=args.change))
        with f:
            while data := f.read(CHUNK):
                yield pb.ImportChunk(data=data)
    summary = conn.images(args).Import(chunks())
    print(summary.id)
    return 0


def inspect(args) -> int:
    stub = conn.images(args)
    return each.inspect(args.images, [lambda r: stub.Inspect(pb.ImageRef(reference=r))], "No such image: {}",
                        template=args.format)


def tag(args) -> int:
    conn.images(args).Tag(pb.TagImageRequest(source=args.source_image, target=args.target_image))
    return 0


def _created_by(text: str, no_trunc: bool) -> str:
    text = text.replace("\t", " ").replace("\n", " ")
    return text if no_trunc or len(text) <= 45 else text[:44] + "…"


HISTORY_HEADERS = {"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY"}


def history(args) -> int:
    templated = args.format not in ("", "table") and not args.quiet
    if templated and args.format != "json":
        tableformat.compile_row(args.format.replace("\\t", "\t")[len("table"):].lstrip(" ")
                                if args.format.startswith("table") else args.format)
    entries = conn.images(args).History(pb.ImageRef(reference=args.image)).entries
    rows, docs = [], []
    for e in entries:
        image = _short(e.id, args.no_trunc) if e.id else "<missing>"
        if args.quiet:
            print(image)
            continue
        created_at = tojson.seconds(e.created)
        created = humanize.ago(created_at) if args.human else gotime.rfc3339(created_at)
        size = units.human_size(e.size) if args.human else str(e.size)
        if templated:
            docs.append({"ID": image, "CreatedAt": gotime.rfc3339(created_at), "CreatedSince": created,
                         "CreatedBy": _created_by(e.created_by, args.no_trunc), "Size": size,
                         "Comment": e.comment})
            continue
        rows.append([image, created, _created_by(e.created_by, args.no_trunc), size, e.comment])
    if templated:
        sys.stdout.write(tableformat.render(args.format, docs, HISTORY_HEADERS))
    elif not args.quiet:
        # -H=false: Docker's table shows .CreatedAt, under its own header
        output.table(["IMAGE", "CREATED" if args.human else "CREATED AT", "CREATED BY", "SIZE", "COMMENT"], rows)
    return 0


def _confirm(question: str) -> bool:
    sys.stdout.write(f"{question}\nAre you sure you want to continue? [y/N] ")
    sys.stdout.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def prune(args) -> int:
    if not args.force:
        what = ("all images without at least one container associated to them" if args.all
                else "all dangling images")
        if not _confirm(f"WARNING! This will remove {what}."):
            return 0
    from gateway.cli import filterflag
    r = conn.images(args).Prune(pb.PruneImagesRequest(all=args.all, filters=filterflag.check(args.filter)))
    if r.untagged or r.deleted:
        print("Deleted Images:")
        for t in r.untagged:
            print(f"untagged: {t}")
        for d in r.deleted:
            print(f"deleted: {d}")
        print()
    print(f"Total reclaimed space: {units.human_size(r.space_reclaimed)}")
    return 0
