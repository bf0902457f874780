"""The classic builder's step numbering ("Step 3/7 : RUN ..."): Docker
numbers the steps across the whole Dockerfile, doca's builder within each
stage. The total is counted from the Dockerfile in the context (its
instructions up to the end of the target stage); only counted, never
interpreted: the build itself is the images service's."""
import re
import tarfile

DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.I)


def instructions(text: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    escape = "\\"
    out, current = [], ""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if i == 0 and (m := DIRECTIVE.match(line.strip())):
            escape = m.group(1)
            continue
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith(escape):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip():
            out.append(current.strip())
        current = ""
    if current.strip():
        out.append(current.strip())
    return out


def total_steps(text: str, target: str = "") -> int:
    steps = instructions(text)
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

    def __init__(self, total: int | None):
        self.total = total
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
