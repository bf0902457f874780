"""--format, as Docker scripts use it: Go templates (gateway/cli/gotemplate.py)
over inspect documents (inspect -f) and over the rows of ps, images,
volume ls and network ls, with "table TEMPLATE" (a header, aligned tab
columns) and "json". The template language checked on a document first,
then every verb through the CLI."""
import json

import pytest

from gateway.cli.gotemplate import TemplateError, render

DOC = {"Id": "abc", "State": {"Status": "running", "Pid": 123, "Running": True},
       "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "10.0.0.2"}, "app": {"IPAddress": "10.1.0.2"}}},
       "Config": {"Labels": {"a.b": "x"}, "Env": ["A=1", "B=2"]}, "Mounts": []}


@pytest.mark.parametrize("template, expected", [
    ("{{.State.Status}}", "running"),
    ("{{.State.Pid}} {{.State.Running}}", "123 true"),
    ("{{json .State}}", '{"Status":"running","Pid":123,"Running":true}'),
    ("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", "10.1.0.2 10.0.0.2 "),  # map values, key order
    ("{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}};{{end}}", "app=10.1.0.2;bridge=10.0.0.2;"),
    ('{{index .Config.Labels "a.b"}}', "x"),
    ("{{.Nope}}", "<no value>"),
    ("{{if .State.Running}}up{{else}}down{{end}}", "up"),
    ("{{if .Nope}}a{{else if .State.Running}}b{{else}}c{{end}}", "b"),
    ("{{with .Mounts}}m{{else}}none{{end}}", "none"),
    ("{{.Id | upper}}", "ABC"),
    ('{{join .Config.Env ","}} {{len .Config.Env}}', "A=1,B=2 2"),
    ('{{printf "%s-%d" .Id 5}}', "abc-5"),
    ("{{range .Config.Env}}\n  {{- .}}\n{{- end}}", "A=1B=2"),
    ('{{if eq .State.Status "running" "paused"}}live{{end}}', "live"),
    ("{{.State}}", "map[Pid:123 Running:true Status:running]"),
    ("{{/* a comment */}}x", "x"),
])
def test_template_language(template, expected):
    assert render(template, DOC) == expected


@pytest.mark.parametrize("template", ["{{if .A}}x", "{{end}}", "{{foo .A}}", "{{range .X}}{{else}}{{else}}{{end}}",
                                      "{{.A | }}", "{{$nope}}"])
def test_bad_templates_are_errors_for_the_user(template):
    with pytest.raises(TemplateError):
        render(template, DOC)


def test_inspect_format_on_every_kind_of_object(stack):
    cid = stack.doca("run", "-d", "--name", "fmt1", "-l", "tier=web", "busybox", "sleep", "60").stdout.strip()
    stack.doca("volume", "create", "fmtvol")
    try:
        out = stack.doca("inspect", "-f", "{{.State.Status}} {{.Name}} {{index .Config.Labels \"tier\"}}", "fmt1").stdout
        assert out == "running /fmt1 web\n"
        ip = stack.doca("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", cid).stdout
        assert ip.strip() == json.loads(stack.doca("inspect", cid).stdout)[0]["NetworkSettings"]["IPAddress"] != ""
        env = json.loads(stack.doca("inspect", "-f", "{{json .Config.Env}}", cid).stdout)
        assert any(e.startswith("PATH=") for e in env)
        two = stack.doca("inspect", "-f", "{{.Id}}", cid, "busybox").stdout.splitlines()  # a container, an image
        assert two[0] == cid and two[1].startswith("sha256:")
        assert stack.doca("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", "busybox").stdout == "linux/amd64\n"
        assert stack.doca("volume", "inspect", "-f", "{{.Name}} {{.Driver}}", "fmtvol").stdout == "fmtvol local\n"
        assert stack.doca("network", "inspect", "-f", "{{.Name}} {{.Driver}}", "bridge").stdout == "bridge bridge\n"
        assert stack.doca("inspect", "--type", "network", "-f", "{{.Name}}", "bridge").stdout == "bridge\n"
        whole = json.loads(stack.doca("inspect", "-f", "json", cid).stdout)
        assert whole["Id"] == cid
    finally:
        stack.doca("rm", "-f", cid)
        stack.doca("volume", "rm", "fmtvol")


def test_inspect_format_errors_are_one_line(stack):
    r = stack.doca("inspect", "-f", "{{if .State}}", "busybox", check=False)  # Docker's exit 64 for a parse error
    assert r.returncode == 64 and r.stdout == "" and r.stderr.startswith("doca: template parsing error: ")
    assert len(r.stderr.strip().splitlines()) == 1
    r = stack.doca("inspect", "-f", "{{.Id}}", "busybox", "no-such-thing", check=False)
    assert r.returncode == 1 and r.stdout.startswith("sha256:") and "No such object: no-such-thing" in r.stderr


def test_listing_formats(stack):
    cid = stack.doca("run", "-d", "--name", "fmt2", "busybox", "sleep", "60").stdout.strip()
    stack.doca("volume", "create", "fmtvol2")
    try:
        names = stack.doca("ps", "--format", "{{.Names}}").stdout.split()
        assert "fmt2" in names
        table = stack.doca("ps", "--format", "table {{.ID}}\\t{{.Names}}\\t{{.State}}").stdout.splitlines()
        assert table[0].split() == ["CONTAINER", "ID", "NAMES", "STATE"]
        row = next(line for line in table if line.startswith(cid[:12]))
        assert row.split() == [cid[:12], "fmt2", "running"]
        assert table[0].index("NAMES") == row.index("fmt2")  # the columns line up
        rows = [json.loads(line) for line in stack.doca("ps", "--format", "json").stdout.splitlines()]
        assert {"ID": cid[:12], "Names": "fmt2", "State": "running"}.items() <= next(
            r for r in rows if r["Names"] == "fmt2").items()
        assert "busybox:latest" in stack.doca("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
        images = stack.doca("images", "--format", "table {{.Repository}}\\t{{.Tag}}").stdout.splitlines()
        assert images[0].split() == ["REPOSITORY", "TAG"] and ["busybox", "latest"] in [r.split() for r in images]
        assert "fmtvol2 local" in stack.doca("volume", "ls", "--format", "{{.Name}} {{.Driver}}").stdout.splitlines()
        assert stack.doca("network", "ls", "--format", "{{.Name}}/{{.Driver}}").stdout.splitlines() == [
            "bridge/bridge", "host/host", "none/null"]
        default = stack.doca("ps", "--format", "table").stdout.splitlines()[0]
        assert default.split()[:3] == ["CONTAINER", "ID", "IMAGE"]
        r = stack.doca("ps", "--format", "{{.Names", check=False)  # an unclosed action: Docker's words, exit 1
        assert r.returncode == 1 and r.stderr == "doca: failed to parse template: template: :1: unclosed action\n"
        r = stack.doca("images", "--format", "{{range .X}}", check=False)
        assert r.returncode == 1 and r.stderr.startswith("doca: template") and r.stdout == ""
    finally:
        stack.doca("rm", "-f", cid)
        stack.doca("volume", "rm", "fmtvol2")
