"""Domain errors shared by every service.

Services raise these; common.status turns them into gRPC status codes in one
place. No grpc import here, so any module may raise them cheaply.
"""
import errno
import os


class DocaError(Exception):
    """Base class: `code` names a gRPC status code; `exit_code` is what the
    CLI should exit with when it is not the engine's generic 125."""

    code = "UNKNOWN"

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class NotFound(DocaError):
    code = "NOT_FOUND"


class AlreadyExists(DocaError):
    code = "ALREADY_EXISTS"


class InvalidArgument(DocaError):
    code = "INVALID_ARGUMENT"


class FailedPrecondition(DocaError):
    code = "FAILED_PRECONDITION"


class ResourceExhausted(DocaError):
    code = "RESOURCE_EXHAUSTED"


class Unavailable(DocaError):
    code = "UNAVAILABLE"


class Internal(DocaError):
    code = "INTERNAL"


# A full disk (or quota) is the client's to fix, not a bug: RESOURCE_EXHAUSTED.
NO_SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS


# Where a service keeps its data ("the images store /var/lib/doca/images"):
# named by a full-disk error whose write did not say which file it was.
_data_roots: list[str] = []


def note_data_root(path, what: str) -> None:
    """A service's store says where it lives, once, at start."""
    entry = f"{what} {path}"
    if entry not in _data_roots:
        _data_roots.append(entry)


def no_space_where(exc: BaseException) -> str:
    filename = getattr(exc, "filename", None)
    if filename:
        return os.fsdecode(filename)
    return " or ".join(_data_roots) or "doca's data directory"


def no_space(exc: OSError, where: str | None = None) -> ResourceExhausted:
    """The one line a full disk is reported with, wherever it was hit: what
    happened, where (the file, else the service's store), what to do."""
    what = "disk quota exceeded" if exc.errno == errno.EDQUOT else "no space left on device"
    where = (where or no_space_where(exc)).replace("\n", " ")
    return ResourceExhausted(f"{what} writing {where}: free some space on that filesystem "
                             "(doca system prune removes what is unused) and try again")


def name_no_space(exc: OSError, path) -> OSError:
    """`exc` with `path` as its filename when it is a full disk that names
    none (a write(2) error names no file); anything else unchanged. Still
    an OSError, so every `except OSError` holds."""
    if not is_no_space(exc) or getattr(exc, "filename", None):
        return exc
    return OSError(exc.errno, os.strerror(exc.errno), os.fspath(path))


# Trailing metadata naming the CLI exit code of an error (set by common.status).
EXIT_CODE_KEY = "doca-exit-code"

# Docker's CLI exit codes for a container that could not run.
EXIT_ENGINE = 125
EXIT_CANNOT_INVOKE = 126
EXIT_NOT_FOUND = 127
