"""The shapes of instruction text before expansion (words.py): shell-like
words that keep their quotes, leading flags, and the JSON exec form."""
import pytest

from services.images.dockerfile.words import fields, json_array, leading_flags, shell_words


@pytest.mark.parametrize("text, words", [
    ("", []), ("   ", []), ("a b\tc", ["a", "b", "c"]),
    ('a="x y" b', ['a="x y"', "b"]),
    ("a='x y' b", ["a='x y'", "b"]),
    ('a=""', ['a=""']),
    ("a\\ b c", ["a\\ b", "c"]),             # the escape keeps a blank in the word, and stays
    ('a="x\\" y"', ['a="x\\" y"']),          # an escaped quote does not close
    ("a='x\\' y", ["a='x\\'", "y"]),         # in single quotes the escape is plain
    ("a \\", ["a"]),                         # a trailing escape is dropped
    ('"unclosed x', ['"unclosed x']),
    ("k=v\u00a0w", ["k=v", "w"]),            # any Unicode blank separates
])
def test_shell_words(text, words):
    assert shell_words(text, "\\") == words


def test_shell_words_backtick():
    assert shell_words("a=`\" b", "`") == ["a=`\"", "b"]
    assert shell_words("C:\\x y", "`") == ["C:\\x", "y"]


@pytest.mark.parametrize("text, flags, rest", [
    ("x y", [], "x y"),
    ("--a=1 --b x", ["--a=1", "--b"], "x"),
    ("   --a=1    x  y", ["--a=1"], "x  y"),
    ('--a="1 2" x', ["--a=1 2"], "x"),
    ("--a='$x y' x", ["--a=$x y"], "x"),
    ("--a=x\\ y z", ["--a=x y"], "z"),
    ("--a=1 -- --b=2 x", ["--a=1"], "--b=2 x"),
    ("-a x", [], "-a x"),
    ("--a", ["--a"], ""),
    ("x --a=1", [], "x --a=1"),               # flags only at the start
])
def test_leading_flags(text, flags, rest):
    assert leading_flags(text, "\\") == (flags, rest)


@pytest.mark.parametrize("text, value", [
    ('["a", "b"]', ["a", "b"]), ('  [ "a" ]  ', ["a"]), ("[]", []),
    ('["a", 1]', None), ('["a",]', None), ('{"a": 1}', None), ('"a"', None), ("a [b]", None),
    ("['a']", None),                           # JSON wants double quotes
    ('["a"] tail', None),
])
def test_json_array(text, value):
    assert json_array(text) == value


def test_fields_ignore_quotes():
    assert fields(' "a b"  c\t') == ['"a', 'b"', "c"]
