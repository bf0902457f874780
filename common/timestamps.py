"""Conversions between epoch seconds, RFC 3339 text and protobuf Timestamps
(protobuf is to_proto's import alone: the CLI shows times without it)."""
import datetime


def to_proto(seconds: float | None) -> "timestamp_pb2.Timestamp | None":  # noqa: F821
    if not seconds:
        return None
    from google.protobuf import timestamp_pb2
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def from_proto(ts) -> float:
    return ts.ToNanoseconds() / 1e9 if ts and (ts.seconds or ts.nanos) else 0.0


def rfc3339(seconds: float | None) -> str:
    """Docker's format; the zero time for 'never'."""
    if not seconds:
        return "0001-01-01T00:00:00Z"
    dt = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
