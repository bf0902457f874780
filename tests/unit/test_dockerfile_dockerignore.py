"""`.dockerignore` (dockerignore.py, context.py): reading the rules, which
paths they exclude, which directories must still be walked, the context
listing, and the Dockerfile and .dockerignore the builder always gets."""
import os

import pytest

from services.images.dockerfile import (DockerfileError, IgnoreMatcher, context_files,
                                        read_dockerignore, transfer_matcher)


def rules(text):
    return [("!" if r.exception else "") + r.pattern for r in IgnoreMatcher.parse(text).rules]


@pytest.mark.parametrize("text, expected", [
    ("a\nb\n", ["a", "b"]),
    ("# comment\n\n   \na\n", ["a"]),
    (" # not a comment\n", ["# not a comment"]),       # only column 1 starts a comment
    ("  spaced  \t\n", ["spaced"]),
    ("!keep\n! spaced\n", ["!keep", "!spaced"]),
    ("/abs\n./rel\n!/x\n!./y\n", ["abs", "rel", "!x", "!y"]),
    ("a/\na//b/./c/\na/../b\n//twice\n", ["a", "a/b/c", "b", "twice"]),
    ("/\n.\n", ["/", "."]),
    ("\ufeffbom\r\ncrlf\r\n", ["bom", "crlf"]),
    ("**/\n", ["**"]),
])
def test_reading_rules(text, expected):
    assert rules(text) == expected


GO_SYNTAX = "expected Go filepath.Match syntax"


@pytest.mark.parametrize("text, message", [
    ("ok\n[bad\n", f".dockerignore:2: bad pattern '[bad': unexpected end of pattern in a character class: {GO_SYNTAX}"),
    ("# c\n\n!\n", ".dockerignore:3: a lone '!': expected !<pattern>"),
    ("a\\\n", f".dockerignore:1: bad pattern 'a\\\\': unexpected end of pattern after \\: {GO_SYNTAX}"),
])
def test_bad_rules(text, message):
    with pytest.raises(DockerfileError) as e:
        IgnoreMatcher.parse(text)
    assert str(e.value) == message


def test_bytes_and_file_name():
    with pytest.raises(DockerfileError, match=r"^ctx/.dockerignore:1: "):
        IgnoreMatcher.parse(b"[", "ctx/.dockerignore")
    assert IgnoreMatcher.parse(b"a\n").excluded("a")


@pytest.mark.parametrize("text, path, excluded", [
    ("", "anything", False),
    ("*.md", "README.md", True), ("*.md", "docs/x.md", False),           # * does not cross /
    ("**/*.md", "docs/x.md", True), ("**/*.md", "README.md", True),
    # a rule matching a parent directory excludes everything below it
    ("node_modules", "node_modules/a/b.js", True), ("node_modules", "src/node_modules", False),
    ("**/node_modules", "src/node_modules/a/b.js", True),
    ("build/", "build/out/x", True), ("/build", "build", True),
    ("dir/*", "dir/a", True), ("dir/*", "dir", False), ("dir/*", "dir/a/b", True),
    ("dir/**", "dir/a/b", True), ("dir/**", "dir", False),
    ("a/**/b", "a/b", True), ("a/**/b", "a/x/y/b/c", True),
    ("?", "a", True), ("?", "ab", False), ("[ab]*", "bx", True), ("[^ab]*", "bx", False),
    # exceptions: the last matching rule wins
    ("*.md\n!README.md", "README.md", False), ("*.md\n!README.md", "CHANGES.md", True),
    ("!README.md\n*.md", "README.md", True),
    ("*\n!src", "src/a/b.py", False), ("*\n!src", "docs/a", True), ("*\n!src", "src", False),
    ("docs\n!docs/keep.txt", "docs/keep.txt", False), ("docs\n!docs/keep.txt", "docs/other", True),
    ("docs\n!docs/keep", "docs/keep/deep/file", False),
    ("*\n!**/*.py", "deep/er/x.py", False), ("*\n!**/*.py", "deep/er/x.txt", True),
    ("a/b/c\n!a", "a/b/c/d", False),     # !a matches a/b/c/d through its parent a, and comes last
    ("!a\na/b/c", "a/b/c/d", True),
    ("**\n!keep\n**/tmp", "keep/tmp/x", True),
    # paths are cleaned before matching
    ("a/b", "./a/b", True), ("a/b", "/a/b", True), ("a/b", "a//b/", True), ("a/b", "a/x/../b", True),
    ("*", ".", False), ("*", "", False),                   # the context root is never excluded
    # escapes
    ("\\*.txt", "*.txt", True), ("\\*.txt", "a.txt", False),
])
def test_excluded(text, path, excluded):
    m = IgnoreMatcher.parse(text)
    assert m.excluded(path, is_dir=False) is excluded
    assert m.excluded(path, is_dir=True) is excluded   # patterns match files and dirs alike


@pytest.mark.parametrize("text, directory, walk", [
    ("", "any", True),
    ("docs", "docs", False),
    ("docs\n!docs/keep.txt", "docs", True),
    ("docs\n!docs/sub/keep.txt", "docs/sub", True),
    ("docs\n!docs/sub/keep.txt", "docs/other", False),
    ("docs\n!other/x", "docs", False),
    ("*\n!**/*.py", "anything/deep", True),       # a wildcard exception (Docker's classic walk missed it)
    ("*\n!*/*.txt", "recipes", True),
    ("*\n!*/*.txt", "recipes/sub", False),
    ("*\n!d*/k", "data", True), ("*\n!d*/k", "web", False),
    ("a\n!a", "a", True),                         # not excluded at all
    ("!a\na", "a", False),                        # the exception comes first: nothing below is kept
    ("a\n!a/**", "a", True),
])
def test_must_walk(text, directory, walk):
    assert IgnoreMatcher.parse(text).must_walk(directory) is walk


def test_has_exceptions():
    assert not IgnoreMatcher.parse("a\nb").has_exceptions
    assert IgnoreMatcher.parse("a\n!b").has_exceptions


def test_matches_incremental_equals_full():
    m = IgnoreMatcher.parse("a\n!a/b\n**/c\n")
    parent = m.matches("a/b")
    assert m.matches("a/b/c", parent) == m.matches("a/b/c") == (True, True, True)


def make_tree(root, paths):
    for p in paths:
        full = os.path.join(root, p)
        if p.endswith("/"):
            os.makedirs(full, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(p)


TREE = ["Dockerfile", ".dockerignore", "README.md", "CHANGES.md", "src/app.py", "src/util/x.py",
        "src/util/notes.txt", "node_modules/pkg/index.js", "build/out.bin", "build/keep/me.txt",
        "empty/", "docs/a.md", "docs/sub/b.py"]


@pytest.mark.parametrize("ignore, expected", [
    ("", sorted(["CHANGES.md", "Dockerfile", ".dockerignore", "README.md", "build/keep/me.txt", "build/out.bin",
                 "docs/a.md", "docs/sub/b.py", "node_modules/pkg/index.js", "src/app.py",
                 "src/util/notes.txt", "src/util/x.py"])),
    ("*.md\n!README.md\nnode_modules\nbuild\n!build/keep\ndocs\n",
     [".dockerignore", "Dockerfile", "README.md", "build/keep/me.txt", "src/app.py", "src/util/notes.txt",
      "src/util/x.py"]),
    ("*\n!**/*.py\n", ["docs/sub/b.py", "src/app.py", "src/util/x.py"]),
    ("**\n!src\nsrc/**/*.txt\n", ["src/app.py", "src/util/x.py"]),
])
def test_context_files(tmp_path, ignore, expected):
    make_tree(tmp_path, TREE)
    assert context_files(tmp_path, IgnoreMatcher.parse(ignore)) == expected


def test_context_files_with_directories_and_symlinks(tmp_path):
    make_tree(tmp_path, ["a/b/c.txt", "empty/", "skip/x"])
    os.symlink("a", tmp_path / "link")           # a symlink to a directory is listed, not followed
    got = context_files(tmp_path, IgnoreMatcher.parse("skip\n"), directories=True)
    assert got == ["a", "a/b", "a/b/c.txt", "empty", "link"]


def test_excluded_directory_walked_for_an_exception_is_not_listed(tmp_path):
    make_tree(tmp_path, ["d/keep.txt", "d/drop.txt"])
    assert context_files(tmp_path, IgnoreMatcher.parse("d\n!d/keep.txt\n"), directories=True) == ["d/keep.txt"]


def test_read_dockerignore(tmp_path):
    assert read_dockerignore(tmp_path).rules == ()
    (tmp_path / ".dockerignore").write_text("# c\n*.log\n")
    assert read_dockerignore(tmp_path).excluded("x.log")


@pytest.mark.parametrize("ignore, dockerfile, kept", [
    ("*\n", "Dockerfile", [".dockerignore", "Dockerfile"]),
    ("Dockerfile*\n.dockerignore\n", "build/Dockerfile.dev", [".dockerignore"]),
    ("build\n", "build/Dockerfile.dev", ["build/Dockerfile.dev"]),
    ("*\n", "../outside/Dockerfile", [".dockerignore"]),
    ("*\n", "/abs/Dockerfile", [".dockerignore"]),
    ("*\n", "Dockerfile[1]", [".dockerignore", "Dockerfile[1]"]),   # a file name, not a pattern
    ("x\n", "Dockerfile", []),
])
def test_transfer_matcher_keeps_the_build_files(ignore, dockerfile, kept):
    m = IgnoreMatcher.parse(ignore)
    t = transfer_matcher(m, dockerfile)
    for name in (".dockerignore", "Dockerfile", "build/Dockerfile.dev", "Dockerfile[1]"):
        if name in kept:
            assert not t.excluded(name), name
        else:
            assert t.excluded(name) == m.excluded(name), name
    assert t.excluded("other") == m.excluded("other")
    if not kept:
        assert t is m


def test_copy_still_obeys_the_rules_for_the_build_files(tmp_path):
    make_tree(tmp_path, ["Dockerfile", ".dockerignore", "app.py"])
    m = IgnoreMatcher.parse("Dockerfile\n.dockerignore\n")
    assert context_files(tmp_path, m) == ["app.py"]                          # what COPY . sees
    assert context_files(tmp_path, transfer_matcher(m)) == [".dockerignore", "Dockerfile", "app.py"]  # what is sent
