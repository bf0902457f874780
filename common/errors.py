"""Domain errors shared by every service.

Services raise these; common.status turns them into gRPC status codes in one
place. No grpc import here, so any module may raise them cheaply.
"""


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


# Trailing metadata naming the CLI exit code of an error (set by common.status).
EXIT_CODE_KEY = "doca-exit-code"

# Docker's CLI exit codes for a container that could not run.
EXIT_ENGINE = 125
EXIT_CANNOT_INVOKE = 126
EXIT_NOT_FOUND = 127
