"""The error of a Dockerfile or its .dockerignore, pointing into the source.

Every error a user can cause reads `FILE:LINE: what was expected`, the file
name being whatever the caller gave, so the CLI can print it as is. It is an
InvalidArgument: the services turn it into INVALID_ARGUMENT without a special
case. The Dockerfile front end (services/images/dockerfile) raises it too."""
from common.errors import InvalidArgument


class DockerfileError(InvalidArgument):
    """A syntax or semantic error in a Dockerfile (or a .dockerignore).

    `line` is None when the error is about the file as a whole (no FROM, an
    unknown --target); the message is then `FILE: reason`."""

    def __init__(self, filename: str, line: int | None, reason: str):
        where = f"{filename}:{line}" if line else filename
        super().__init__(f"{where}: {reason}")
        self.filename = filename
        self.line = line
        self.reason = reason
