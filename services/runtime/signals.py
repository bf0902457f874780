"""Signal names as users type them: SIGTERM, TERM, term, 15."""
import signal

from common.errors import InvalidArgument


def parse(value: str, default: int = signal.SIGKILL) -> int:
    if not value:
        return default
    text = value.strip().upper()
    if text.isascii() and text.isdigit():
        num = int(text)
        if 0 < num < signal.NSIG:
            return num
        raise InvalidArgument(f"invalid signal: {value}")
    if not text.startswith("SIG"):
        text = "SIG" + text
    try:
        return int(signal.Signals[text])
    except KeyError:
        raise InvalidArgument(f"invalid signal: {value}") from None
