"""Bounds on what tarfile reads into memory for one member's headers.

tarfile reads a PAX extended header (x, g, X) or a GNU long name (L, K)
whole, as large as its own header says, and a GNU sparse map block after
block until it ends: a layer that inflates to gigabytes of zeros behind one
such header would be read into memory whole. Go's archive/tar (Docker's
reader) refuses one larger than 1 MiB; so do we, and the headers that
precede one member (a chain of them) share MAX_HEADERS in all.

Every tarfile.open of untrusted input passes tarinfo=BoundedTarInfo (the
images service's layers and archives, docker cp's extraction).
"""
import tarfile

from common.errors import InvalidArgument


class HeadersTooLarge(InvalidArgument, tarfile.TarError):
    """INVALID_ARGUMENT for a service; a TarError for a reader that knows
    only tarfile's (docker cp's helper, the CLI)."""

MAX_SPECIAL = 1 << 20   # one extended header (Go's maxSpecialFileSize)
MAX_HEADERS = 2 << 20   # every byte read for the headers of one member
_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
             tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)


class _Capped:
    """The archive's file object while one member's headers are read: reads
    count against a budget; everything else passes through."""

    def __init__(self, fileobj, budget: int):
        self._f = fileobj
        self.left = budget

    def read(self, size=-1):
        if size is None or size < 0 or size > self.left:
            raise HeadersTooLarge(f"refusing the tar archive: a member's extended headers take more than "
                                  f"{MAX_HEADERS >> 20} MiB")
        self.left -= size
        return self._f.read(size)

    def __getattr__(self, name):
        return getattr(self._f, name)


class BoundedTarInfo(tarfile.TarInfo):
    __slots__ = ()

    def _proc_member(self, tar):
        if self.type not in _EXTENDED and self.type != tarfile.GNUTYPE_SPARSE:
            return super()._proc_member(tar)
        if self.type in _EXTENDED and self.size > MAX_SPECIAL:
            raise HeadersTooLarge(f"refusing the tar archive: an extended header ({self.name!r}) of "
                                  f"{self.size} bytes; at most {MAX_SPECIAL >> 20} MiB is read")
        if isinstance(tar.fileobj, _Capped):  # within a chain: the budget is shared
            return super()._proc_member(tar)
        outer = tar.fileobj
        tar.fileobj = _Capped(outer, MAX_HEADERS)
        try:
            return super()._proc_member(tar)
        finally:
            tar.fileobj = outer
