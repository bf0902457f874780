"""Errors of the Dockerfile front end, and where in the source they point.

Every error a user can cause reads `FILE:LINE: what was expected`, the file
name being whatever the caller gave (usually "Dockerfile" or the `-f` path),
so the CLI can print it as is. `DockerfileError` is an InvalidArgument: the
services turn it into INVALID_ARGUMENT without a special case.
"""
import dataclasses

from common.buildcontext.errors import DockerfileError  # noqa: F401 - raised here too
from common.errors import InvalidArgument


class ExpansionError(InvalidArgument):
    """A variable expansion failed (`${X:?unset}`, a missing `}`).

    Raised without a location by the expander, which knows only the text;
    instructions catch it and raise a DockerfileError naming their line."""


@dataclasses.dataclass(frozen=True)
class Location:
    """Where an instruction came from: its first and last physical lines
    (a continued line or a heredoc body spans several)."""

    file: str
    line: int
    end_line: int

    def error(self, reason: str) -> DockerfileError:
        return DockerfileError(self.file, self.line, reason)
