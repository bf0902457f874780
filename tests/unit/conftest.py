"""Unit tests: pure Python, no root, no stack, no kernel feature (`pytest -m 'not
stack'` runs exactly these, in seconds). Architecture rules, protos, parsers
(Dockerfile, references, units), codecs, the cgroup v2 writer on a fake tree."""
