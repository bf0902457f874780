"""--filter KEY=VALUE as Docker's CLI reads it before any request: a
value without "=" is a usage error (exit 125); keys and values are the
gateway's to check (gateway/api/list_filters.py)."""


class BadFilter(ValueError):
    for_the_user = True  # one line (errors.guarded)
    exit_code = 125


def check(items, flag: str = "-f, --filter") -> list[str]:
    for item in items:
        if "=" not in item:
            raise BadFilter(f'invalid argument "{item}" for "{flag}" flag: bad format of filter '
                            "(expected name=value)")
    return list(items)
