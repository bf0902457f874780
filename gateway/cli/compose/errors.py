"""What `doca compose` refuses: one line (or two), no traceback, and Docker
Compose's exit codes: 15 for a file that does not parse or validate, 14
for no file, 1 for the rest (a service not running, a dependency that
failed)."""


class ComposeError(Exception):
    for_the_user = True  # errors.guarded prints it alone, no traceback
    exit_code = 1


class BadFile(ComposeError):
    exit_code = 15


class NoFile(ComposeError):
    exit_code = 14
