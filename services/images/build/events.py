"""What a build tells its client as it goes (api.py turns these into
BuildEvent messages)."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Step:
    stage: str        # the stage's name or number; "" with a single stage
    number: int       # FROM is 1
    total: int
    instruction: str
    cached: bool = False


@dataclasses.dataclass(frozen=True)
class Output:
    stream: int       # 1 stdout, 2 stderr
    data: bytes


@dataclasses.dataclass(frozen=True)
class Warning:
    text: str


@dataclasses.dataclass(frozen=True)
class Status:
    text: str         # a line of the builder's own: the pull of an image the build uses


@dataclasses.dataclass(frozen=True)
class Result:
    image_id: str
    tags: tuple[str, ...]
