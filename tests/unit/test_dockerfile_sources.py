"""What COPY and ADD sources mean (the helpers at the end of files.py):
remote sources, and which local files ADD extracts."""
import bz2
import gzip
import io
import lzma
import tarfile

import pytest

from services.images.dockerfile.files import HEADER_BYTES, archive_kind, is_git, is_remote, is_url


@pytest.mark.parametrize("source, url, git", [
    ("https://example.com/app.tgz", True, False),
    ("http://example.com/x", True, False),
    ("https://github.com/moby/buildkit.git", True, True),
    ("https://github.com/moby/buildkit.git#v0.12", True, True),
    ("https://example.com/repo.git?ref=main", True, True),
    ("git@github.com:moby/buildkit.git", False, True),
    ("git://example.com/repo", False, True),
    ("app.tar.gz", False, False),
    ("dir/", False, False),
    ("ftp://example.com/x", False, False),
    ("HTTPS://example.com/x", False, False),
])
def test_remote_sources(source, url, git):
    assert (is_url(source), is_git(source), is_remote(source)) == (url, git, url or git)


def tar_bytes(fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        data = b"hello\n"
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("make, kind", [
    (lambda: tar_bytes(), "tar"),
    (lambda: tar_bytes(tarfile.GNU_FORMAT), "tar"),
    (lambda: tar_bytes(tarfile.USTAR_FORMAT), "tar"),
    (lambda: gzip.compress(tar_bytes()), "gzip"),
    (lambda: bz2.compress(tar_bytes()), "bzip2"),
    (lambda: lzma.compress(tar_bytes()), "xz"),
    (lambda: b"\x28\xb5\x2f\xfd" + b"\0" * 16, "zstd"),
    (lambda: b"just text\n" * 100, None),
    (lambda: b"", None),
    (lambda: b"\x7fELF" + b"\0" * 600, None),
])
def test_archive_kind(make, kind):
    assert archive_kind(make()[:HEADER_BYTES]) == kind


def test_compressed_non_tar_is_seen_after_decompressing():
    # A gzip of plain text is "gzip" from outside, and not a tar inside: copied as is.
    data = gzip.compress(b"not a tar\n" * 100)
    assert archive_kind(data) == "gzip"
    assert archive_kind(gzip.decompress(data)[:HEADER_BYTES]) is None
