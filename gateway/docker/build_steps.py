"""The classic builder's step lines ("Step 3/7 : RUN ..."): Docker numbers
the steps across the whole Dockerfile, doca's builder within each stage, and
Docker shows each instruction's original text. Both come from the
Dockerfile in the context (its instructions up to the end of the target
stage): read and counted, never interpreted; the build itself is the images
service's."""
import re
import tarfile

DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.I)


def instructions(text: str) -> list[str]:
    """The Dockerfile's instructions as Docker's parser keeps their original
    text: a continued line joined to the next without its escape and newline,
    the next line's indentation kept ("RUN a && \\\n  b" is "RUN a &&   b")."""
    escape = "\\"
    out, current = [], ""
    for i, line in enumerate(text.splitlines()):
        if i == 0 and (m := DIRECTIVE.match(line.strip())):
            escape = m.group(1)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):  # blank lines and comments, inside a continuation too
            continue
        body = line.rstrip()
        if body.endswith(escape):
            current += body[:-1]
            continue
        current += body
        out.append(current.strip())
        current = ""
    if current.strip():
        out.append(current.strip())
    return out


def total_steps(steps: list[str], target: str = "") -> int:
    if not target:
        return len(steps)
    count, in_target = 0, False
    for s in steps:
        words = s.split()
        if words[0].upper() == "FROM":
            if in_target:
                return count
            in_target = len(words) >= 4 and words[-2].upper() == "AS" and words[-1].lower() == target.lower()
        count += 1
    return count


def dockerfile_in(spooled, name: str) -> str | None:
    """The Dockerfile's text from the context tar (None when it is not there
    or the context is not a readable tar): the file is rewound after."""
    name = (name or "Dockerfile").lstrip("./") if not name.startswith("./") else name[2:]
    try:
        with tarfile.open(fileobj=spooled, mode="r:*") as tar:
            for member in tar:
                if member.isfile() and member.name.lstrip("./") == name.lstrip("/"):
                    data = tar.extractfile(member).read(1 << 20)
                    return data.decode("utf-8", "replace")
    except (tarfile.TarError, OSError, EOFError):
        return None
    finally:
        spooled.seek(0)
    return None


class Numbering:
    """Step events of doca's builder (number within a stage) as Docker's
    global Step N/TOTAL."""

    def __init__(self, steps: list[str] | None, target: str = ""):
        self.steps = steps or []
        self.total = total_steps(self.steps, target) if steps else None
        self.offset = 0
        self.stage = None
        self.stage_total = 0

    def step(self, ev) -> tuple[int, int]:
        if ev.stage != self.stage:
            if self.stage is not None:
                self.offset += self.stage_total
            self.stage = ev.stage
        self.stage_total = ev.total
        number = self.offset + ev.number
        total = self.total if self.total and self.total >= number else self.offset + ev.total
        return number, total

    def text(self, number: int, instruction: str) -> str:
        """The step's original text where the Dockerfile's count agrees with the
        builder's (the same instruction there), else the builder's own words."""
        if 0 < number <= len(self.steps):
            original = self.steps[number - 1]
            if original.split(None, 1)[0].upper() == instruction.split(None, 1)[0].upper():
                return original
        return instruction
