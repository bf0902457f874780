"""`doca cp` writes exactly where Docker's cp writes, and nowhere else.

The tables below are Docker's cp (docker 20.10, recorded with the peers
kit): for each DEST, where a copy of a directory, of a directory's
contents (DIR/. and the root "/") and of a file or symlink lands, or None
where Docker refuses. Each row runs against doca as an attacker would aim
it: DEST sits in a parent with a canary, beside a sibling directory with
a canary; after the copy every path of the case is compared with before,
and whatever changed must be the copy itself, at the place of the table,
with the source's content. Both ways, files, directories, symlinks (as
SRC, as DEST, in the path), `..`, `/.`, the root, `-`, devices, and
relative symlinks that climb out of what is extracted.

Accepted divergences (not tested as Docker's): the tar on stdout names the
root's entries "./x" where Docker writes "/x" (an absolute member name is
what writes outside a destination with a careless extractor), and
`cp -L CTR:LINK -` names the entry after the link, as every other -L copy
does, where Docker names it after the target."""
import hashlib
import io
import os
import pathlib
import shutil
import stat
import subprocess
import tarfile
import tempfile

import pytest

from common import tarsafe
from tests.support.stack import DOCA

CTR_FILES = ("mkdir -p /d/sub && echo f > /d/f && ln -s f /d/link && echo x > /d/sub/x && echo file > /file "
             "&& ln -s /d /dirlink && ln -s d /reldirlink && ln -s /file /filelink && ln -s /nowhere /dangling "
             "&& ln -s /d/sub /deep")

DIR = ("dir",)


def _file(data: bytes):
    return ("file", hashlib.md5(data).hexdigest())


def _link(target: str):
    return ("link", target)


# what a copy holds, by path under where it lands ("" is the copy itself)
D = {"": DIR, "f": _file(b"f\n"), "link": _link("f"), "sub": DIR, "sub/x": _file(b"x\n")}
HD = {"": DIR, "f": _file(b"hf\n"), "link": _link("f"), "sub": DIR, "sub/x": _file(b"hx\n")}
ROOT = {"": DIR, "d": DIR, "d/f": _file(b"f\n"), "file": _file(b"file\n"), "dirlink": _link("/d"),
        "proc": DIR, "sys": DIR, "dev": DIR, "bin": DIR}  # and more: checked as a subset
DIR_KIND, CONTENTS, FILE = 0, 1, 2

# DEST -> (a directory SRC named N, a directory's contents, a file or symlink SRC named N)
# p/ holds edir/ (with ec), efile, ldir -> edir (absolute), lfile -> efile,
# dang -> newtarget (missing), reldir -> edir (relative), canary.
OUT_TABLE = {
    "p/new": ("p/new", "p/new", "p/new"),
    "p/new/": ("p/new", "p/new", None),  # "no such directory"
    "p/edir": ("p/edir/N", "p/edir", "p/edir/N"),
    "p/edir/": ("p/edir/N", "p/edir", "p/edir/N"),
    "p/edir/.": ("p/edir/N", "p/edir", "p/edir/N"),
    "p/efile": (None, None, "p/efile"),  # "cannot copy directory"
    "p/efile/": (None, None, None),  # "stat p/efile/: not a directory"
    "p/ldir": ("p/edir/N", "p/edir", "p/edir/N"),
    "p/ldir/": ("p/edir/N", None, "p/edir/N"),  # DIR/. onto a symlink DEST/: Docker's Untar refuses "."
    "p/ldir/.": ("p/edir/N", None, "p/edir/N"),
    "p/ldir/new": ("p/edir/new", "p/edir/new", "p/edir/new"),
    "p/lfile": (None, None, "p/efile"),
    "p/dang": ("p/newtarget", "p/newtarget", "p/newtarget"),
    "p/reldir": ("p/edir/N", "p/edir", "p/edir/N"),
    "p/missing/new": (None, None, None),  # "invalid output path"
    "p/new/.": (None, None, None),  # "stat p/new: no such file or directory"
    "p/edir/..": ("p/N", "p", "p/N"),  # cleaned lexically: p itself
    "p/ldir/../x": ("p/x", "p/x", "p/x"),  # lexically p/x, not beside edir's parent
}
# copying in, the same but for DIR/. onto DEST/ that is a symlink: the
# engine resolves it before extracting
IN_TABLE = {**OUT_TABLE, "p/ldir/": ("p/edir/N", "p/edir", "p/edir/N"), "p/ldir/.": ("p/edir/N", "p/edir", "p/edir/N")}
# `-` (a tar on stdin): DEST -> the directory its entries go into; None:
# "must be a directory" (Docker extracts a tar only into an existing one)
IN_TAR_TABLE = {
    "p/new": None, "p/new/": None, "p/edir": "p/edir", "p/edir/": "p/edir", "p/edir/.": "p/edir",
    "p/efile": None, "p/efile/": None, "p/ldir": "p/edir", "p/ldir/": "p/edir", "p/ldir/.": "p/edir",
    "p/ldir/new": None, "p/lfile": None, "p/dang": None, "p/reldir": "p/edir", "p/missing/new": None,
    "p/new/.": None, "p/edir/..": "p", "p/ldir/../x": None,
}

# (flags, SRC in the container, kind, name, content)
OUT_SOURCES = [
    ((), "/d", DIR_KIND, "d", D), ((), "/d/", DIR_KIND, "d", D), ((), "d", DIR_KIND, "d", D),
    ((), "/d/sub/..", DIR_KIND, "d", D), ((), "/dirlink/", DIR_KIND, "dirlink", D),
    (("-L",), "/dirlink", DIR_KIND, "dirlink", D), (("-L",), "/reldirlink", DIR_KIND, "reldirlink", D),
    ((), "/d/.", CONTENTS, None, D), ((), "/dirlink/.", CONTENTS, None, D), ((), "/d/sub/../.", CONTENTS, None, D),
    ((), "/", CONTENTS, None, ROOT), ((), "/.", CONTENTS, None, ROOT), ((), "/..", CONTENTS, None, ROOT),
    ((), "/d/..", CONTENTS, None, ROOT), ((), "//", CONTENTS, None, ROOT),
    ((), "/deep/..", CONTENTS, None, ROOT),  # lexically the root, not /d (where /deep points)
    ((), "/d/f", FILE, "f", {"": _file(b"f\n")}), ((), "/d/link", FILE, "link", {"": _link("f")}),
    ((), "/dirlink", FILE, "dirlink", {"": _link("/d")}), ((), "/reldirlink", FILE, "reldirlink", {"": _link("d")}),
    ((), "/filelink", FILE, "filelink", {"": _link("/file")}),
    ((), "/dangling", FILE, "dangling", {"": _link("/nowhere")}),
    (("-L",), "/d/link", FILE, "link", {"": _file(b"f\n")}),
    (("-L",), "/filelink", FILE, "filelink", {"": _file(b"file\n")}),
]
# Docker refuses these whatever DEST is
OUT_FAILING = [((), "/d/f/"), ((), "/d/f/."), ((), "/d/link/"), ((), "/filelink/"), ((), "/nope"), ((), "/nope/"),
               (("-L",), "/dangling")]

# (flags, SRC on the host, relative to the sources' directory, kind, name, content)
IN_SOURCES = [
    ((), "hdir", DIR_KIND, "hdir", HD), ((), "hdir/", DIR_KIND, "hdir", HD),
    ((), "hdir/sub/..", DIR_KIND, "hdir", HD), ((), "hldir/", DIR_KIND, "hldir", HD),
    (("-L",), "hldir", DIR_KIND, "hldir", HD),
    ((), "hdir/.", CONTENTS, None, HD), ((), "hldir/.", CONTENTS, None, HD),
    ((), "hfile", FILE, "hfile", {"": _file(b"hfile\n")}), ((), "hlfile", FILE, "hlfile", {"": _link("hfile")}),
    ((), "hldir", FILE, "hldir", {"": _link("hdir")}), ((), "hdang", FILE, "hdang", {"": _link("nowhere")}),
    (("-L",), "hlfile", FILE, "hlfile", {"": _file(b"hfile\n")}),
]
IN_FAILING = [((), "hfile/"), ((), "missing"), (("-L",), "hdang")]


def _expected(table: dict, dest: str, kind: int, name: str | None):
    where = table[dest][kind]
    return where.replace("/N", f"/{name}") if where else None


# ---- the host side

def _host_snapshot(root: pathlib.Path) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = pathlib.Path(dirpath) / n
            st = p.lstat()
            rel = str(p.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                out[rel] = _link(os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = DIR
            elif stat.S_ISREG(st.st_mode):
                out[rel] = _file(p.read_bytes())
            else:
                out[rel] = ("other", st.st_mode, st.st_rdev)
    return out


def _host_case(case: pathlib.Path) -> None:
    (case / "p" / "edir").mkdir(parents=True)
    (case / "p" / "edir" / "ec").write_text("ec\n")
    (case / "p" / "efile").write_text("ef\n")
    (case / "p" / "canary").write_text("parent\n")
    (case / "sib").mkdir()
    (case / "sib" / "canary").write_text("sibling\n")
    os.symlink(case / "p" / "edir", case / "p" / "ldir")
    os.symlink(case / "p" / "efile", case / "p" / "lfile")
    os.symlink(case / "p" / "newtarget", case / "p" / "dang")
    os.symlink("edir", case / "p" / "reldir")


def _changed(before: dict, after: dict) -> set:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def _check(label, r, before: dict, after: dict, where: str | None, content: dict | None):
    """The copy is at `where` with `content`, and nothing else changed;
    or (where is None) a one-line refusal and nothing changed at all."""
    changed = _changed(before, after)
    if where is None:
        assert r.returncode == 1, (label, r.returncode, r.stdout, r.stderr)
        err = r.stderr.decode() if isinstance(r.stderr, bytes) else r.stderr
        assert err.startswith("doca: ") and err.count("\n") == 1 and "Traceback" not in err, (label, err)
        assert not changed, (label, sorted(changed))
        return
    assert r.returncode == 0, (label, r.stderr)
    outside = sorted(p for p in changed if p != where and not p.startswith(where + "/"))
    assert not outside, (label, "written outside", where, outside)
    for rel, want in content.items():
        got = after.get(f"{where}/{rel}".rstrip("/"))
        assert got == want, (label, where, rel, got, want)
    if content is not ROOT:  # nothing but the copy's own entries
        extra = sorted(p for p in changed if p[len(where) + 1:] not in content and p != where)
        assert not extra, (label, "not in the copy", extra)
    else:  # the kernel's mounts are empty directories, never their files
        assert not [p for p in after if p.startswith(f"{where}/proc/") or p.startswith(f"{where}/sys/")], label


@pytest.fixture
def ctr(stack):
    """A running container with CTR_FILES, removed even when the test fails."""
    cid = stack.doca("run", "-d", "busybox", "sleep", "600").stdout.strip()
    try:
        stack.doca("exec", cid, "sh", "-c", CTR_FILES)
        yield cid
    finally:
        stack.doca("rm", "-f", cid, check=False)


@pytest.fixture
def host():
    d = pathlib.Path(tempfile.mkdtemp(prefix="doca-cp-sec-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _cp(stack, *args, input=b""):
    """`doca cp ARGS`, its output as bytes (a tar on stdin or stdout)."""
    return stack.doca("cp", *args, check=False, input=input)


def test_copy_out_lands_where_docker_puts_it(stack, ctr, host):
    cases = [(flags, src, kind, name, content) for flags, src, kind, name, content in OUT_SOURCES] + \
            [(flags, src, None, None, None) for flags, src in OUT_FAILING]
    n = 0
    for flags, src, kind, name, content in cases:
        for dest in OUT_TABLE:
            case = host / f"c{n}"
            n += 1
            _host_case(case)
            before = _host_snapshot(case)
            r = _cp(stack, *flags, f"{ctr}:{src}", f"{case}/{dest}")
            where = None if kind is None else _expected(OUT_TABLE, dest, kind, name)
            _check(f"cp {' '.join(flags)} CTR:{src} {dest}", r, before, _host_snapshot(case), where, content)
            shutil.rmtree(case)
    assert list(host.iterdir()) == []


def _tar_names(data: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        return tf.getnames()


def test_copy_out_to_stdout(stack, ctr):
    """`-`: the tar alone, its names relative, under the source's name (or
    "." for contents), never the kernel's files."""
    for flags, src, kind, name, content in OUT_SOURCES:
        r = _cp(stack, *flags, f"{ctr}:{src}", "-")
        assert r.returncode == 0, (src, r.stderr)
        names = _tar_names(r.stdout)
        top = "." if kind == CONTENTS else name
        assert names[0] == top, (src, names[:3])
        assert all(n == top or n.startswith(top + "/") for n in names), (src, names)
        if content is not ROOT:
            assert sorted(names) == sorted(top + ("/" + rel if rel else "") for rel in content), (src, names)
        else:
            assert not [n for n in names if n.startswith("./proc/") or n.startswith("./sys/")], src
            assert "./d/f" in names and "./proc" in names, src
    for flags, src in OUT_FAILING:
        r = _cp(stack, *flags, f"{ctr}:{src}", "-")
        assert r.returncode == 1 and r.stdout == b"" and r.stderr.startswith(b"doca: "), (src, r.stderr)


def _ctr_snapshot(stack, cid: str) -> tuple[dict, list[str]]:
    """(every path under /t with its kind and content, the root's names)."""
    script = ('cd /t && find . | while read -r p; do if [ -L "$p" ]; then echo "L $p $(readlink "$p")"; '
              'elif [ -d "$p" ]; then echo "D $p"; elif [ -f "$p" ]; then echo "F $p $(md5sum < "$p" | cut -c1-32)"; '
              'else echo "O $p"; fi; done; echo ROOT; ls -A /')
    out, _, root = stack.doca("exec", cid, "sh", "-c", script).stdout.partition("ROOT\n")
    snap = {}
    for line in out.splitlines():
        kind, path, *rest = line.split(" ", 2)
        path = path[2:]  # ./
        if not path:
            continue
        snap[path] = {"D": DIR, "L": ("link", rest[0] if rest else ""), "F": ("file", rest[0] if rest else ""),
                      "O": ("other",)}[kind]
    return snap, root.split()


def _ctr_cases(count: int) -> str:
    """The container's side of `count` cases: /t/I/p/... as the host's."""
    return (f"for i in $(seq 0 {count - 1}); do P=/t/$i/p; mkdir -p $P/edir /t/$i/sib && echo ec > $P/edir/ec "
            "&& echo ef > $P/efile && echo parent > $P/canary && echo sibling > /t/$i/sib/canary "
            "&& ln -s $P/edir $P/ldir && ln -s $P/efile $P/lfile && ln -s $P/newtarget $P/dang "
            "&& ln -s edir $P/reldir; done")


def _host_sources(d: pathlib.Path) -> None:
    (d / "hdir" / "sub").mkdir(parents=True)
    (d / "hdir" / "f").write_text("hf\n")
    (d / "hdir" / "sub" / "x").write_text("hx\n")
    os.symlink("f", d / "hdir" / "link")
    (d / "hfile").write_text("hfile\n")
    os.symlink("hfile", d / "hlfile")
    os.symlink("hdir", d / "hldir")
    os.symlink("nowhere", d / "hdang")


def _sub(snap: dict, prefix: str) -> dict:
    return {p[len(prefix) + 1:]: v for p, v in snap.items() if p.startswith(prefix + "/")}


def test_copy_in_lands_where_docker_puts_it(stack, ctr, host):
    """Every case in its own /t/I of one container: the copies run one
    after the other, the container is read once before and once after."""
    _host_sources(host)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        tf.add(host / "hdir", arcname="zt")
    tar = buf.getvalue()
    cases = []
    for flags, src, kind, name, content in IN_SOURCES:
        cases += [(flags, src, dest, _expected(IN_TABLE, dest, kind, name), content) for dest in IN_TABLE]
    for flags, src in IN_FAILING:
        cases += [(flags, src, dest, None, None) for dest in IN_TABLE]
    cases += [((), "-", dest, where and f"{where}/zt", HD) for dest, where in IN_TAR_TABLE.items()]
    stack.doca("exec", ctr, "sh", "-c", _ctr_cases(len(cases)))
    before, root_before = _ctr_snapshot(stack, ctr)
    results = []
    for i, (flags, src, dest, _, _) in enumerate(cases):
        if src == "-":
            results.append(_cp(stack, "-", f"{ctr}:/t/{i}/{dest}", input=tar))
        else:
            results.append(_cp(stack, *flags, f"{host}/{src}", f"{ctr}:/t/{i}/{dest}"))
    after, root_after = _ctr_snapshot(stack, ctr)
    assert root_after == root_before  # nothing beside /t
    assert sorted(after.keys() - before.keys() - {p for p in after if "/" in p}) == []  # nothing beside the cases
    for i, (flags, src, dest, where, content) in enumerate(cases):
        _check(f"cp {' '.join(flags)} {src} CTR:{dest}", results[i], _sub(before, str(i)), _sub(after, str(i)),
               where, content)
    assert sorted(os.listdir(host)) == ["hdang", "hdir", "hfile", "hldir", "hlfile"]


def test_the_root_to_a_new_directory_running_and_stopped(stack, ctr, host):
    """`cp CTR:/ DEST_NEW` (any spelling of the root) creates DEST_NEW with
    the root's content; DEST's parent and its siblings are untouched."""
    _host_case(host)
    for state in ("running", "stopped"):
        if state == "stopped":
            stack.doca("stop", "-t", "0", ctr)
        for i, src in enumerate(("/", "/.", "/..", "//", "/d/../..", "/deep/..")):
            before = _host_snapshot(host)
            dest = f"p/{state}{i}"
            r = _cp(stack, f"{ctr}:{src}", f"{host}/{dest}")
            _check(f"{state} cp CTR:{src} {dest}", r, before, _host_snapshot(host), dest, ROOT)
            shutil.rmtree(host / dest)
            # DEST/. that does not exist: refused, nothing written (not the parent)
            r = _cp(stack, f"{ctr}:{src}", f"{host}/p/missing/.")
            _check(f"{state} cp CTR:{src} p/missing/.", r, before, _host_snapshot(host), None, None)


def _stream_names(stack, cid: str, src: str, limit: int = 20000) -> tuple[int, list[str]]:
    """The member names of `cp CTR:SRC -`, read as they come: a kernel file
    (/proc/kcore) would never end, so reading stops at `limit` names."""
    p = subprocess.Popen([DOCA, "cp", f"{cid}:{src}", "-"], env=stack.env(), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    names = []
    try:
        with tarfile.open(fileobj=p.stdout, mode="r|") as tf:
            for m in tf:
                names.append(m.name)
                if len(names) >= limit or m.name.startswith(("./proc/", "./sys/", "proc/")):
                    break
    except tarfile.TarError:
        pass
    finally:
        p.kill()
        p.wait()
    return p.returncode, names


def test_dotdot_never_reaches_the_kernel_mounts(stack, ctr):
    """/.., /d/.. or /deep/../.. are the root (lexically), whose /proc and
    /sys are empty directories in a copy; a path into them is not found."""
    for src in ("/..", "/d/..", "/deep/../..", "/d/../proc/..", "/./"):
        _, names = _stream_names(stack, ctr, src)
        assert "./proc" in names and not [n for n in names if n.startswith(("./proc/", "./sys/"))], src
    for src in ("/d/../proc/self/status", "/../proc/1/environ", "/deep/../../sys/kernel"):
        r = _cp(stack, f"{ctr}:{src}", "-")
        assert r.returncode == 1 and r.stdout == b"" and b"Could not find the file" in r.stderr, (src, r.stderr)


def test_relative_symlinks_that_climb_out_are_refused_both_ways(stack, ctr, host):
    """Docker's rule: a relative symlink may not point above where it is
    extracted. Refused, and nothing outside DEST (on the host, in the
    container) was written."""
    stack.doca("exec", ctr, "sh", "-c", "mkdir -p /t/a/in && ln -s ../../../../../etc /t/a/in/climb "
               "&& ln -s ../b /t/a/up && echo ok > /t/a/in/ok")
    _host_case(host)
    for src, dest in (("/t/a", "p/new"), ("/t/a", "p/edir"), ("/t/a/up", "p/u"), ("/t/a/in", "p/in"),
                      ("/t/a/in/climb", "p/edir")):
        before = _host_snapshot(host)
        r = _cp(stack, f"{ctr}:{src}", f"{host}/{dest}")
        assert r.returncode == 1 and b"invalid symlink" in r.stderr, (src, r.stderr)
        top = dest if dest != "p/edir" else f"p/edir/{os.path.basename(src)}"
        outside = sorted(p for p in _changed(before, _host_snapshot(host)) if p != top and not p.startswith(top + "/"))
        assert not outside, (src, outside)
        assert not [p for p in _host_snapshot(host).values() if p == _link("../../../../../etc")], src
        shutil.rmtree(host / top, ignore_errors=True)
        if os.path.lexists(host / top):
            os.unlink(host / top)
    # into the container: from a host directory, and from a tar on stdin
    src = host / "src"
    (src / "in").mkdir(parents=True)
    os.symlink("../../../../../../etc", src / "in" / "climb")
    bad = io.BytesIO()
    with tarfile.open(fileobj=bad, mode="w") as tf:
        info = tarfile.TarInfo("l")
        info.type, info.linkname = tarfile.SYMTYPE, "../../etc"
        tf.addfile(info)
        info = tarfile.TarInfo("l/passwd")
        info.size = 5
        tf.addfile(info, io.BytesIO(b"owned"))
    stack.doca("exec", ctr, "sh", "-c", "mkdir -p /t/x /t/y")
    passwd = stack.doca("exec", ctr, "cat", "/etc/passwd").stdout
    for args in ((str(src), f"{ctr}:/t/x"), (str(src / "in"), f"{ctr}:/t/x/new"), ("-", f"{ctr}:/t/y")):
        r = _cp(stack, *args, input=bad.getvalue() if args[0] == "-" else b"")
        assert r.returncode == 1 and b"invalid symlink" in r.stderr, (args, r.stderr)
    assert stack.doca("exec", ctr, "cat", "/etc/passwd").stdout == passwd
    listing = stack.doca("exec", ctr, "sh", "-c", "cd /t && find x y | sort").stdout.split()
    assert not [p for p in listing if p.endswith("climb") or p.endswith("/l")], listing
    assert set(listing) <= {"x", "y", "x/src", "x/src/in", "x/new"}, listing


def test_devices_are_never_replaced(stack, ctr, host):
    """Docker's ValidateOutputPath: DEST (or what a symlink DEST points to)
    that is a device is refused; the device stays, on the host and in the
    container."""
    _host_case(host)
    os.mknod(host / "p" / "null", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    os.symlink("null", host / "p" / "tonull")
    before = _host_snapshot(host)
    for dest in ("p/null", "p/tonull"):
        r = _cp(stack, f"{ctr}:/d/f", f"{host}/{dest}")
        _check(f"cp CTR:/d/f {dest}", r, before, _host_snapshot(host), None, None)
        assert b"got a device" in r.stderr
    (host / "hfile").write_text("x\n")
    stack.doca("exec", ctr, "sh", "-c", "ln -s /dev/null /t-null")
    for dest in ("/dev/null", "/t-null"):
        r = _cp(stack, str(host / "hfile"), f"{ctr}:{dest}")
        assert r.returncode == 1 and b"got a device" in r.stderr, r.stderr
    assert stack.doca("exec", ctr, "sh", "-c", "test -c /dev/null && echo char").stdout == "char\n"


def test_host_extraction_keeps_every_entry_under_the_copy(tmp_path):
    """The CLI's extraction (copying out), whatever the engine sends: with a
    new name, an entry that is not under the tar's top entry is refused
    (it would land beside DEST); "." (contents) goes under the new name."""
    dest = tmp_path / "p"
    dest.mkdir()

    def tar(*entries):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tf:
            for name, data in entries:
                info = tarfile.TarInfo(name)
                if data is None:
                    info.type = tarfile.DIRTYPE
                    tf.addfile(info)
                else:
                    info.size = len(data)
                    tf.addfile(info, io.BytesIO(data))
        return io.BytesIO(buf.getvalue())
    for entries in ([("top", None), ("top/f", b"ok"), ("beside", b"x")], [("top/f", b"ok"), ("topx/g", b"x")],
                    [("top", None), ("./../p/escape", b"x")]):
        with pytest.raises(tarfile.TarError):
            tarsafe.extract(tar(*entries), str(dest), rename=("top", "new"))
        assert sorted(p.name for p in dest.iterdir()) in ([], ["new"]), entries
        assert not (dest / "beside").exists() and not (dest / "topx").exists() and not (dest / "escape").exists()
        shutil.rmtree(dest / "new", ignore_errors=True)
    tarsafe.extract(tar((".", None), ("./bin", None), ("./bin/sh", b"sh")), str(dest), rename=(".", "new"))
    assert (dest / "new" / "bin" / "sh").read_bytes() == b"sh" and sorted(os.listdir(dest)) == ["new"]
    for bad in ("", "..", "a/b"):
        with pytest.raises(tarfile.TarError):
            tarsafe.extract(tar(("top", None)), str(dest), rename=("top", bad))
    assert sorted(os.listdir(tmp_path)) == ["p"] and sorted(os.listdir(dest)) == ["new"]
