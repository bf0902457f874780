"""A compose file or project the CLI refuses: one line (or two) and Docker
Compose's exit codes (15: the file does not parse or validate, 14: no file)."""


class ComposeError(Exception):
    for_the_user = True  # errors.guarded prints it alone, no traceback
    exit_code = 15


class NoFile(ComposeError):
    exit_code = 14
