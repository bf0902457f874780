"""Domain errors shared by every service.

Services raise these; common.status turns them into gRPC status codes in one
place. No grpc import here, so any module may raise them cheaply.
"""
import errno


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


def no_space(exc: OSError) -> ResourceExhausted:
    """The one line a full disk is reported with, wherever it was hit."""
    what = "disk quota exceeded" if exc.errno == errno.EDQUOT else "no space left on device"
    return ResourceExhausted(f"{what}: free some space on the disk that holds doca's data "
                             "(doca system prune) and try again")


# Trailing metadata naming the CLI exit code of an error (set by common.status).
EXIT_CODE_KEY = "doca-exit-code"

# Docker's CLI exit codes for a container that could not run.
EXIT_ENGINE = 125
EXIT_CANNOT_INVOKE = 126
EXIT_NOT_FOUND = 127
