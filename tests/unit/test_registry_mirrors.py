"""The registry-mirrors setting as read from flags and the environment:
NAME=URL pairs, the flag repeatable and each value comma-separated, bad
values refused in one line naming the entry."""
import argparse

import pytest

from common import config, flags, mirrors
from common.mirrors import Mirror


def _cfg(argv, monkeypatch, env=None):
    monkeypatch.delenv("DOCA_REGISTRY_MIRRORS", raising=False)
    if env is not None:
        monkeypatch.setenv("DOCA_REGISTRY_MIRRORS", env)
    p = argparse.ArgumentParser()
    flags.add_arguments(p)
    return config.from_args(p.parse_args(argv))


def test_parse_pairs_in_order():
    got = mirrors.parse("registry.k8s.io=http://127.0.0.1:5310, gcr.io=https://[::1]:5000/,"
                        "registry.k8s.io=localhost:5311,k8s.gcr.io=HTTP://Mirror.Local")
    assert got == {
        "registry.k8s.io": (Mirror("http", "127.0.0.1:5310"), Mirror("", "localhost:5311")),
        "gcr.io": (Mirror("https", "[::1]:5000"),),
        "k8s.gcr.io": (Mirror("http", "mirror.local"),),
    }
    assert str(got["registry.k8s.io"][0]) == "http://127.0.0.1:5310"
    assert mirrors.parse("") == {} and mirrors.parse(" , ") == {}


def test_docker_hub_names_are_one():
    got = mirrors.parse("index.docker.io=http://127.0.0.1:1,registry-1.docker.io=http://127.0.0.1:2,"
                        "docker.io=http://127.0.0.1:1")
    assert got == {"docker.io": (Mirror("http", "127.0.0.1:1"), Mirror("http", "127.0.0.1:2"))}


@pytest.mark.parametrize("bad, says", [
    ("registry.k8s.io", "want NAME=URL"),
    ("registry.k8s.io=", "want NAME=URL"),
    ("=http://127.0.0.1:5000", "want NAME=URL"),
    ("a=ftp://127.0.0.1", "scheme must be http or https"),
    ("a=http://127.0.0.1:5000/v2/k8s", "without a path"),
    ("a=http://user@127.0.0.1", "without a path"),
    ("a=http://127.0.0.1:99999", "'127.0.0.1:99999' is not a host[:port]"),
    ("a=http://", "'' is not a host[:port]"),
    ("a b=http://127.0.0.1", "'a b' is not a host[:port]"),
])
def test_bad_values_are_one_line(bad, says):
    with pytest.raises(mirrors.MirrorError) as e:
        mirrors.parse("docker.io=http://127.0.0.1:5000," + bad)
    text = str(e.value)
    assert says in text and "\n" not in text and repr(bad.strip()) in text


def test_flag_is_repeatable_and_comma_separated(monkeypatch):
    cfg = _cfg(["--registry-mirror", "registry.k8s.io=http://127.0.0.1:1",
                "--registry-mirror", "gcr.io=http://127.0.0.1:2,k8s.gcr.io=http://127.0.0.1:3"], monkeypatch)
    assert cfg.registry_mirrors == ("registry.k8s.io=http://127.0.0.1:1,"
                                    "gcr.io=http://127.0.0.1:2,k8s.gcr.io=http://127.0.0.1:3")
    assert len(mirrors.parse(cfg.registry_mirrors)) == 3
    # A child process gets the same setting back through one flag.
    out = config.as_flags(cfg)
    i = out.index("--registry-mirror")
    assert out[i + 1] == cfg.registry_mirrors and out.count("--registry-mirror") == 1
    assert _cfg(out, monkeypatch).registry_mirrors == cfg.registry_mirrors


def test_environment_and_default(monkeypatch):
    assert _cfg([], monkeypatch).registry_mirrors == ""
    assert "--registry-mirror" not in config.as_flags(_cfg([], monkeypatch))
    env = "docker.io=http://127.0.0.1:5000"
    assert _cfg([], monkeypatch, env).registry_mirrors == env
    # The flag wins over the environment, as for every setting.
    assert _cfg(["--registry-mirror", "gcr.io=http://127.0.0.1:1"], monkeypatch, env).registry_mirrors == \
        "gcr.io=http://127.0.0.1:1"
