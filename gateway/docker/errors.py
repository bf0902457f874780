"""Errors of the Docker API face: Docker's status codes with a `message`
body, and the one place where the gateway's gRPC status codes become them
(the same table as moby's errdefs: not found 404, conflict 409, invalid 400)."""


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# grpc.StatusCode name -> HTTP status, as Docker answers the same condition.
STATUS_OF_CODE = {
    "INVALID_ARGUMENT": 400,
    "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "FAILED_PRECONDITION": 409,
    "ABORTED": 409,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "RESOURCE_EXHAUSTED": 500,
    "DEADLINE_EXCEEDED": 500,
    "CANCELLED": 500,
    "INTERNAL": 500,
    "UNKNOWN": 500,
    "DATA_LOSS": 500,
}


def from_rpc(err) -> ApiError:
    """A grpc.RpcError from the gateway as Docker's error for it."""
    code = err.code().name if callable(getattr(err, "code", None)) else "UNKNOWN"
    message = err.details() if callable(getattr(err, "details", None)) else str(err)
    if code == "UNAVAILABLE" and not message:
        message = "the doca gateway is not answering"
    return ApiError(STATUS_OF_CODE.get(code, 500), message or code.lower())
