"""Go's filepath.Match syntax (gomatch.py), and the `**` of .dockerignore."""
import re

import pytest

from common.buildcontext.gomatch import BadPattern, compile_pattern, escape, match, split_components


@pytest.mark.parametrize("pattern, name, expected", [
    ("main.go", "main.go", True), ("main.go", "main.gox", False),
    ("*.go", "main.go", True), ("*.go", ".go", True), ("*.go", "dir/main.go", False),
    ("*", "", True), ("*", ".hidden", True), ("*", "a/b", False), ("*/*", "a/b", True),
    ("a*", "a", True), ("a*c", "abbbc", True), ("a*c", "abbb/c", False),
    ("*a*b*", "xaybz", True), ("*a*b*", "xbya", False), ("**", "a/b", False),   # no ** in plain Go
    ("?", "a", True), ("?", "", False), ("?", "/", False), ("?", "ab", False), ("a?c", "abc", True),
    ("?", "語", True), ("日本*", "日本語", True), ("a*b", "a\nb", True),
    # classes
    ("[abc]", "b", True), ("[abc]", "d", False), ("[a-c]x", "cx", True), ("[a-cx-z]", "y", True),
    ("[^a-c]", "d", True), ("[^a-c]", "b", False), ("[^a]", "", False),
    ("[!a]", "!", True), ("[!a]", "b", False),        # only ^ negates, as in Go (and Docker)
    ("[\\]]", "]", True), ("[\\-]", "-", True), ("[\\^]", "^", True), ("[x\\-z]", "y", False),
    ("[a\\-z]", "-", True), ("[[]", "[", True), ("[*?]", "?", True), ("[.]", "x", False),
    ("[z-a]", "m", False), ("[^z-a]", "m", True),       # reversed range: matches nothing
    ("a[^x]b", "a/b", True),                           # Go's classes do match /
    # escapes
    ("\\*", "*", True), ("\\*", "a", False), ("a\\?b", "a?b", True), ("\\[a]", "[a]", True),
    ("\\a", "a", True), ("a\\\\b", "a\\b", True),
    # regex metacharacters are ordinary
    ("a.b", "axb", False), ("a+", "aa", False), ("(a|b)", "(a|b)", True), ("a{1}", "a{1}", True),
    ("$^", "$^", True),
])
def test_match(pattern, name, expected):
    assert match(pattern, name) is expected


@pytest.mark.parametrize("pattern", [
    "[", "a[", "[a", "[]", "[]a]", "[^]", "[-a]", "[a-]", "[a-]x", "\\", "a\\", "[\\", "[a-\\",
    "ok*[",                                  # malformed anywhere: an error even where a match fails early
])
def test_bad_patterns(pattern):
    with pytest.raises(BadPattern):
        match(pattern, "zzz")


@pytest.mark.parametrize("pattern, name, expected", [
    ("**", "a", True), ("**", "a/b/c", True),
    ("**/x", "x", True), ("**/x", "a/b/x", True), ("**/x", "a/bx", False), ("**/x", "x/a", False),
    ("a/**/b", "a/b", True), ("a/**/b", "a/x/y/b", True), ("a/**/b", "ab", False), ("a/**/b", "a/xb", False),
    ("a/**", "a/x", True), ("a/**", "a/x/y", True), ("a/**", "a", False),
    ("**/*.go", "main.go", True), ("**/*.go", "cmd/x/main.go", True), ("**/*.go", "main.gox", False),
    ("a/**/**/b", "a/b", True), ("a/**/**/b", "a/x/y/z/b", True),
    # ** inside a component is a plain *
    ("a**", "abc", True), ("a**", "a/b", False), ("**.go", "x.go", True), ("**.go", "d/x.go", False),
    ("x**/y", "xa/y", True), ("x**/y", "x/a/y", False),
])
def test_double_star(pattern, name, expected):
    assert (compile_pattern(pattern, double_star=True).fullmatch(name) is not None) is expected


def test_double_star_off_by_default():
    assert compile_pattern("**/x").fullmatch("a/b/x") is None
    assert compile_pattern("**/x").fullmatch("a/x") is not None


@pytest.mark.parametrize("pattern, parts", [
    ("a", ["a"]), ("a/b/c", ["a", "b", "c"]), ("**/x", ["**", "x"]), ("a/[/]/b", ["a", "[/]", "b"]),
    ("a\\/b/c", ["a\\/b", "c"]), ("[^/]x/y", ["[^/]x", "y"]), ("/a", ["", "a"]),
])
def test_split_components(pattern, parts):
    assert split_components(pattern) == parts


@pytest.mark.parametrize("name", ["plain", "a*b", "[x]", "q?", "back\\slash", "all*?[\\]"])
def test_escape(name):
    assert match(escape(name), name)
    assert not match(escape(name), name + "x")


def test_compiled_patterns_are_cached_regexes():
    assert isinstance(compile_pattern("*.go"), re.Pattern)
    assert compile_pattern("*.go") is compile_pattern("*.go")
