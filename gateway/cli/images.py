"""`doca images`, `rmi`, `import`, `image inspect`."""
import sys


from common import timestamps
from doca.v1 import images_pb2 as pb
from gateway import humanize, units
from gateway.cli import conn, each, output

CHUNK = 1 << 20


def images(args) -> int:
    resp = conn.images(args).List(pb.ListImagesRequest())
    rows = []
    for img in resp.images:
        short = img.id.split(":", 1)[-1][:12]
        if args.quiet:
            print(short)
            continue
        created = humanize.ago(timestamps.from_proto(img.created))
        for tag in img.repo_tags or ["<none>:<none>"]:
            repo, _, name = tag.rpartition(":")
            rows.append([repo, name, short, created, units.human_size(img.size)])
    if not args.quiet:
        output.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows)
    return 0


def rmi(args) -> int:
    stub = conn.images(args)

    def show(ref, resp):
        for t in resp.untagged:
            print(f"Untagged: {t}")
        for d in resp.deleted:
            print(f"Deleted: {d}")
    return each.each(args.images, lambda r: stub.Remove(pb.RemoveImageRequest(reference=r, force=args.force)), show)


def import_(args) -> int:
    def chunks():
        yield pb.ImportChunk(header=pb.ImportChunk.Header(reference=args.reference, message=args.message))
        f = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")
        with f:
            while data := f.read(CHUNK):
                yield pb.ImportChunk(data=data)
    summary = conn.images(args).Import(chunks())
    print(summary.id)
    return 0


def inspect(args) -> int:
    stub = conn.images(args)
    return each.inspect(args.images, [lambda r: stub.Inspect(pb.ImageRef(reference=r))], "No such image: {}")
