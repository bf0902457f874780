"""Container logs: stdout and stderr, --tail, --since, --timestamps,
following, and rotation that is on by default."""
import datetime
import json
import pathlib
import time


def _wait(stack, cid):
    stack.doca("wait", cid)


def test_tail_since_timestamps(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done").stdout.strip()
    try:
        _wait(stack, cid)
        assert stack.doca("logs", "--tail", "2", cid).stdout == "line4\nline5\n"
        assert stack.doca("logs", "--tail", "0", cid).stdout == ""
        stamped = stack.doca("logs", "-t", "--tail", "1", cid).stdout
        when, text = stamped.split(" ", 1)
        assert text == "line5\n"
        t = datetime.datetime.fromisoformat(when.replace("Z", "+00:00"))
        assert abs(t.timestamp() - time.time()) < 60
        assert stack.doca("logs", "--since", "10m", cid).stdout.count("line") == 5
        assert stack.doca("logs", "--since", "2099-01-01T00:00:00Z", cid).stdout == ""
        r = stack.doca("logs", "--since", "yesterday-ish", cid, check=False)
        assert r.returncode == 1 and 'invalid value for "since"' in r.stderr
    finally:
        stack.doca("rm", "-f", cid)


def test_until(stack):
    """--until: the lines written before a time; a follow ends there even
    when the container writes nothing more (as Docker's)."""
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "echo early; sleep 1.5; echo late; sleep 60").stdout.strip()
    try:
        time.sleep(2.5)
        assert stack.doca("logs", "--until", "1s", cid).stdout == "early\nlate\n"
        assert stack.doca("logs", "--until", "2s", cid).stdout == "early\n"
        assert stack.doca("logs", "--until", "2000-01-01T00:00:00Z", cid).stdout == ""
        assert stack.doca("logs", "-t", "--until", "2s", cid).stdout.split(" ", 1)[1] == "early\n"
        soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
        started = time.monotonic()
        r = stack.doca("logs", "-f", "--until", soon.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), cid, timeout=30)
        assert r.stdout == "early\nlate\n" and 1 < time.monotonic() - started < 10
        r = stack.doca("logs", "--until", "whenever", cid, check=False)
        assert r.returncode == 1 and 'invalid value for "until"' in r.stderr
    finally:
        stack.doca("rm", "-f", cid)


def test_follow_with_tail(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "echo a; echo b; sleep 0.5; echo c").stdout.strip()
    try:
        time.sleep(0.2)
        assert stack.doca("logs", "-f", "--tail", "1", cid).stdout == "b\nc\n"
    finally:
        stack.doca("rm", "-f", cid)


def test_rotation(stack):
    # 64 KiB files, 2 of them: a flood cannot fill the disk, and logs read across the files.
    cid = stack.doca("run", "-d", "--log-opt", "max-size=64k", "--log-opt", "max-file=2", "busybox", "sh", "-c",
                     "i=0; while [ $i -lt 3000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done").stdout.strip()
    try:
        _wait(stack, cid)
        path = pathlib.Path(json.loads(stack.doca("inspect", cid).stdout)[0]["LogPath"])
        files = sorted(path.parent.glob(path.name + "*"))
        assert [f.name for f in files] == ["container.log", "container.log.1"]
        assert all(f.stat().st_size <= 64 * 1024 for f in files)
        lines = stack.doca("logs", cid).stdout.splitlines()
        assert lines[-1].startswith("line-2999-")
        numbers = [int(line.split("-")[1]) for line in lines]
        assert numbers == list(range(numbers[0], 3000))  # the newest lines, in order, none missing
        assert numbers[0] > 0  # the oldest were dropped
    finally:
        stack.doca("rm", "-f", cid)


def test_rotation_on_by_default(stack):
    cid = stack.doca("run", "-d", "busybox", "true").stdout.strip()
    try:
        # inspect shows the options given, as Docker's (none here); the rotation is the runtime's default
        cfg = json.loads(stack.doca("inspect", cid).stdout)[0]["HostConfig"]["LogConfig"]
        assert cfg == {"Type": "json-file", "Config": {}}
    finally:
        stack.doca("rm", "-f", cid)


def test_bad_log_options(stack):
    r = stack.doca("run", "--rm", "--log-opt", "max-size=huge", "busybox", "true", check=False)
    assert r.returncode == 125 and "max-size" in r.stderr
    r = stack.doca("run", "--rm", "--log-opt", "colour=blue", "busybox", "true", check=False)
    assert r.returncode == 125 and "unknown log option" in r.stderr
