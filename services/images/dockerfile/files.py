"""COPY and ADD: sources and a destination, in shell form (split on
whitespace only: quotes do not group, use the JSON form for names with
spaces) or JSON form, plus inline files from heredocs (`COPY <<EOF /etc/x`).

What a source means is the executor's business; the pure helpers it needs
are at the end of this file:
- A remote ADD source is a URL (`http://`, `https://`) or a git repository;
  COPY takes neither.
- ADD extracts a LOCAL source that is a tar archive, plain or compressed
  (gzip, bzip2, xz, zstd), into the destination directory; any other file,
  and every remote one, is copied as is. `archive_kind` tells from the
  first bytes of a file; a compressed file is only a tar if its
  decompressed start passes `archive_kind(...) == "tar"` too.
- Source globs use Go's filepath.Match syntax: `gomatch.match(pattern, path)`
  on slash-separated paths relative to the context (or stage) root; a
  directory source copies its contents, not itself.
"""
from .flags import Request
from .instructions import Add, Copy
from .words import fields, json_array


def _operands(req: Request) -> tuple[tuple[str, ...], str]:
    """(sources, dest). Heredoc markers among the words are inline sources,
    carried in req.heredocs rather than in the sources."""
    usage = f"expected {req.keyword} [--flags] <src>... <dest>"
    argv = json_array(req.text)
    if req.text.lstrip().startswith("[") and argv is None and req.text.strip().endswith("]"):
        raise req.error(f"{req.keyword}: the JSON form must be an array of strings: {usage}")
    words = argv if argv is not None else fields(req.text)
    if len(words) < 2:
        raise req.error(f"{req.keyword} requires at least two arguments: {usage}")
    markers = {h.marker for h in req.heredocs}
    if words[-1] in markers:
        raise req.error(f"{req.keyword}: the destination cannot be a heredoc: {usage}")
    sources = tuple(w for w in words[:-1] if w not in markers)
    return sources, words[-1]


def parse_copy(req: Request) -> Copy:
    flags = req.flags()
    sources, dest = _operands(req)
    return Copy(loc=req.loc, sources=sources, dest=dest, heredocs=req.heredocs,
                from_=flags.get("from"), chown=flags.get("chown"), chmod=flags.get("chmod"),
                link=flags.get("link", False), parents=flags.get("parents", False),
                excludes=tuple(flags.get("exclude", ())))


def parse_add(req: Request) -> Add:
    flags = req.flags()
    sources, dest = _operands(req)
    return Add(loc=req.loc, sources=sources, dest=dest, heredocs=req.heredocs,
               chown=flags.get("chown"), chmod=flags.get("chmod"), link=flags.get("link", False),
               checksum=flags.get("checksum"), keep_git_dir=flags.get("keep-git-dir", False),
               excludes=tuple(flags.get("exclude", ())))


TAR_MAGIC_OFFSET = 257
_COMPRESSED = (
    (b"\x1f\x8b\x08", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
# How many leading bytes archive_kind needs to see.
HEADER_BYTES = 512


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def is_git(source: str) -> bool:
    """A git repository as ADD understands one (a URL ending in .git, with an
    optional #ref, or a git@ / git:// address)."""
    if source.startswith(("git://", "git@", "ssh://git@")):
        return True
    if is_url(source):
        path = source.split("#", 1)[0].split("?", 1)[0]
        return path.endswith(".git")
    return False


def is_remote(source: str) -> bool:
    return is_url(source) or is_git(source)


def archive_kind(head: bytes) -> str | None:
    """"gzip", "bzip2", "xz", "zstd" (compressed: maybe a tar), "tar", or None."""
    for magic, kind in _COMPRESSED:
        if head.startswith(magic):
            return kind
    magic = head[TAR_MAGIC_OFFSET:TAR_MAGIC_OFFSET + 5]
    return "tar" if magic == b"ustar" else None
