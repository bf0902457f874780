"""Readers survive the log's rotation: a container writes a counter as fast
as it can into small rotated files while `logs --tail`, `logs` and
`logs -f` callers run beside it. No call fails, --tail returns exactly N
complete lines, a full read is contiguous, a follower's sequence strictly
increases (and, for a writer it can keep up with, has no gap)."""
import json
import pathlib
import subprocess
import threading
import time

from tests.support.stack import DOCA

COUNTER = "i=0; while :; do echo $i; i=$((i+1)); done"
# 10 lines, then at least 1 ms of sleep: a rate a follower keeps up with (a few thousand
# lines a second, two files of slack), still several rotations a second of 64 KiB files
PACED = "i=0; while :; do echo $i; i=$((i+1)); [ $((i % 10)) = 0 ] && usleep 1000; done"


def _numbers(text: str) -> list[int]:
    return [int(line) for line in text.splitlines()]


def _wait_lines(stack, cid: str, n: int = 2000) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(stack.doca("logs", "--tail", str(n), cid).stdout.splitlines()) >= n:
            return
        time.sleep(0.05)
    raise AssertionError("the writer did not start")


class _Follower:
    """`doca logs -f --tail 0 CTR` in the background, its stdout collected."""

    def __init__(self, stack, cid: str, *extra: str):
        self.proc = subprocess.Popen([DOCA, "logs", "-f", *extra, cid], env=stack.env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := self.proc.stdout.read1(1 << 16):
            self.out.append(chunk)

    def stop(self) -> tuple[list[int], bytes]:
        alive = self.proc.poll() is None
        self.proc.terminate()
        self.proc.wait(10)
        self.thread.join(10)
        err = self.proc.stderr.read()
        text = b"".join(self.out)
        # killed mid-line: the last, partial line does not count
        lines = text.split(b"\n")[:-1]
        assert alive, f"the follower ended early: {err!r}"
        return [int(x) for x in lines], err


def _check_follow(numbers: list[int], contiguous: bool) -> None:
    assert len(numbers) > 100, numbers[:10]
    dups = len(numbers) - len(set(numbers))
    backwards = [(a, b) for a, b in zip(numbers, numbers[1:]) if b <= a]
    assert not backwards and not dups, f"{dups} duplicated, out of order: {backwards[:5]}"
    if contiguous:
        gaps = [(a, b) for a, b in zip(numbers, numbers[1:]) if b != a + 1]
        assert not gaps, f"{len(gaps)} gaps: {gaps[:5]}"


def test_readers_survive_fast_rotation(stack):
    cid = stack.doca("run", "-d", "--log-opt", "max-size=100k", "--log-opt", "max-file=3",
                     "busybox", "sh", "-c", COUNTER).stdout.strip()
    failures: list[str] = []
    counts = {"tail": 0, "all": 0}
    try:
        _wait_lines(stack, cid)
        stop = time.monotonic() + 6
        followers = [_Follower(stack, cid, "--tail", "0"), _Follower(stack, cid, "--tail", "3")]

        def reader(name: str, args: tuple, check):
            """Calls `doca logs ARGS` until the time is up; `check` returns
            what is wrong with the counter values it printed, if anything."""
            def loop():
                while time.monotonic() < stop:
                    r = stack.doca("logs", *args, cid, check=False)
                    counts[name] += 1
                    if r.returncode != 0:
                        failures.append(f"{name}: exit {r.returncode}: {r.stderr.strip()}")
                        continue
                    try:
                        got = _numbers(r.stdout)
                    except ValueError:
                        failures.append(f"{name}: not a counter (a partial line): {r.stdout[-200:]!r}")
                        continue
                    if wrong := check(got):
                        failures.append(f"{name}: {wrong}")
            return loop

        def five_in_a_row(got):
            return None if len(got) == 5 and got == list(range(got[0], got[0] + 5)) else got

        def files_of_one_moment(got):
            # consecutive, at least the two full rotated ones
            if got != list(range(got[0], got[0] + len(got))) or len(got) < 2 * 1000:
                return f"{len(got)} lines, breaks {[(a, b) for a, b in zip(got, got[1:]) if b != a + 1][:5]}"
            return None
        tail = reader("tail", ("--tail", "5"), five_in_a_row)
        read_all = reader("all", (), files_of_one_moment)

        threads = [threading.Thread(target=tail) for _ in range(6)] + \
                  [threading.Thread(target=read_all) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for f in followers:
            numbers, err = f.stop()
            _check_follow(numbers, contiguous=False)
        assert not failures, f"{len(failures)} of {counts}: {failures[:10]}"
        assert counts["tail"] >= 6 and counts["all"] >= 2  # every caller ran
    finally:
        stack.doca("rm", "-f", cid)


def test_follower_that_keeps_up_sees_every_line(stack):
    cid = stack.doca("run", "-d", "--log-opt", "max-size=64k", "--log-opt", "max-file=3",
                     "busybox", "sh", "-c", PACED).stdout.strip()
    try:
        _wait_lines(stack, cid, 500)
        followers = [_Follower(stack, cid, "--tail", "0"), _Follower(stack, cid, "--tail", "50"),
                     _Follower(stack, cid, "--tail", "0", "-t")]
        time.sleep(4)
        log = pathlib.Path(json.loads(stack.doca("inspect", cid).stdout)[0]["LogPath"])
        assert pathlib.Path(f"{log}.2").exists()  # it rotated, more than once
        for f in followers[:2]:
            numbers, _ = f.stop()
            _check_follow(numbers, contiguous=True)
        # with timestamps every record is a message of its own, through two gRPC hops:
        # this follower may fall more than two files behind (and lose what rotation
        # dropped), but what it sees still comes in order, once
        followers[2].proc.terminate()
        followers[2].proc.wait(10)
        followers[2].thread.join(10)
        lines = b"".join(followers[2].out).split(b"\n")[:-1]
        numbers = []
        for line in lines:
            when, _, text = line.partition(b" ")
            assert when.endswith(b"Z"), line
            numbers.append(int(text))
        _check_follow(numbers, contiguous=False)
    finally:
        stack.doca("rm", "-f", cid)


def test_since_and_tail_across_rotated_files(stack):
    # a finished writer: --since/--tail/-t read across the rotated files
    cid = stack.doca("run", "-d", "--log-opt", "max-size=20k", "--log-opt", "max-file=3", "busybox", "sh", "-c",
                     "i=0; while [ $i -lt 5000 ]; do echo $i; i=$((i+1)); done").stdout.strip()
    try:
        stack.doca("wait", cid)
        every = _numbers(stack.doca("logs", cid).stdout)
        assert every == list(range(every[0], 5000)) and every[0] > 0
        assert _numbers(stack.doca("logs", "--tail", "200", cid).stdout) == list(range(4800, 5000))
        assert _numbers(stack.doca("logs", "--tail", "100000", cid).stdout) == every
        assert _numbers(stack.doca("logs", "--tail", "all", cid).stdout) == every
        assert _numbers(stack.doca("logs", "--since", "10m", "--tail", "3", cid).stdout) == [4997, 4998, 4999]
        assert stack.doca("logs", "--since", "2099-01-01T00:00:00Z", "--tail", "3", cid).stdout == ""
        stamped = stack.doca("logs", "-t", "--tail", "2", cid).stdout.splitlines()
        assert [line.split(" ", 1)[1] for line in stamped] == ["4998", "4999"]
        assert _numbers(stack.doca("logs", "-f", "--tail", "2", cid).stdout) == [4998, 4999]
        assert _numbers(stack.doca("logs", "-f", cid).stdout) == every
    finally:
        stack.doca("rm", "-f", cid)


def test_single_file_rotation(stack):
    # max-file=1: the shim starts a new file (it no longer truncates the one a reader holds)
    cid = stack.doca("run", "-d", "--log-opt", "max-size=20k", "--log-opt", "max-file=1",
                     "busybox", "sh", "-c", PACED).stdout.strip()
    failures, replies, empty = [], 0, 0
    try:
        _wait_lines(stack, cid, 50)
        follower = _Follower(stack, cid, "--tail", "0")
        stop = time.monotonic() + 3
        while time.monotonic() < stop:
            r = stack.doca("logs", "--tail", "5", cid, check=False)
            replies += 1
            try:
                got = _numbers(r.stdout)
            except ValueError:
                got = None
            # Right after a rotation the only file is new and may hold no
            # line yet (max-file=1 keeps nothing older, as Docker's): an
            # empty answer then is right, a torn or gapped one never is.
            empty += got == []
            if r.returncode != 0 or got is None or len(got) > 5 or got != list(range(got[0], got[0] + len(got)) if got else []):
                failures.append((r.returncode, r.stdout, r.stderr))
        numbers, _ = follower.stop()
        _check_follow(numbers, contiguous=False)
        assert not failures, failures[:5]
        assert empty < replies / 4, f"{empty} of {replies} answers empty"
        log = pathlib.Path(json.loads(stack.doca("inspect", cid).stdout)[0]["LogPath"])
        assert sorted(p.name for p in log.parent.glob(log.name + "*")) == [log.name]
    finally:
        stack.doca("rm", "-f", cid)
