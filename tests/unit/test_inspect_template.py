"""inspect -f as Docker's CLI runs it (gateway/cli/inspect_template.py):
the typed run on Docker's Go types first, the raw JSON map's
(missingkey=error) when that fails, and Go's printing of typed values."""
import pytest

from gateway.cli import gotemplate, inspect_template

CONTAINER = {"Id": "c1", "Name": "/n", "State": {"Status": "created", "Pid": 0},
             "HostConfig": {"Binds": None, "Dns": [], "LogConfig": {"Type": "json-file", "Config": {}},
                            "PortBindings": {}, "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}},
             "Config": {"Labels": {"a": "b"}, "Volumes": None, "Cmd": ["true"]},
             "NetworkSettings": {"Ports": {}, "Networks": {"none": {"IPAMConfig": None, "IPAddress": ""}}},
             "Mounts": []}
VOLUME = {"CreatedAt": "2026-01-01T00:00:00Z", "Driver": "local", "Labels": {}, "Mountpoint": "/m", "Name": "v",
          "Options": {}, "Scope": "local"}
NETWORK = {"Name": "none", "Id": "n1", "Created": "2026-12-08T01:10:39.266771684Z", "IPAM": {"Config": []},
           "Options": {}, "Labels": {}, "Containers": {}}


def _render(template: str, doc: dict, kind: str, raw_fallback: bool = True) -> str:
    return inspect_template.render_document(gotemplate.compile_template(template), doc, kind, raw_fallback)


@pytest.mark.parametrize("template, expected", [
    ("{{.State.Health}}", "<nil>"),             # a field the JSON leaves out: its zero value
    ("{{.Node}}", "<nil>"),
    ("{{.HostConfig.Binds}}", "[]"),           # a nil slice
    ("{{json .HostConfig.Binds}}", "null"),
    ("{{.Config.ExposedPorts}}", "map[]"),     # a nil map
    ("{{.Config.Labels.nope}}", "<no value>"),  # a map's missing key
    ("{{.Config.Labels.nope.deeper}}", "<no value>"),
    ("{{.NetworkSettings.Networks.nope}}", "<no value>"),
    ('{{index .Config.Labels "nope"}}', ""),    # index: the element's zero value
    ("{{.State}}", "{created false false false false false 0 0    <nil>}"),
    ("{{.HostConfig.Init}}|{{.HostConfig.PidsLimit}}|{{.HostConfig.ConsoleSize}}", "<nil>|<nil>|[]"),
    ("{{$s := .State}}{{$s.Status}}", "created"),
    # a field Go's struct names otherwise ("Dns" is DNS): the raw map's run, where null is <no value>
    ("{{.HostConfig.Dns}} {{.HostConfig.Binds}}", "[] <no value>"),
    ("{{.Id}}", "c1"),
])
def test_typed_then_raw(template, expected):
    assert _render(template, CONTAINER, "container") == expected


@pytest.mark.parametrize("template, message", [
    ("{{.Nope}}", ':1:2: executing "" at <.Nope>: map has no entry for key "Nope"'),
    ("{{.HostConfig.Nope}}", ':1:13: executing "" at <.HostConfig.Nope>: map has no entry for key "Nope"'),
    ("{{.HostConfig.Nope.Deeper}}", ':1:13: executing "" at <.HostConfig.Nope.Deeper>: map has no entry for key "Nope"'),
    ("{{.State.Health.Status}}", ':1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"'),
    ("{{.NetworkSettings.Networks.none.Nope}}", 'map has no entry for key "Nope"'),
    ("{{.NetworkSettings.Ports.nope}}", 'map has no entry for key "nope"'),  # nat.PortMap: no field access typed
    ("{{.Name.Nope}}", "<.Name.Nope>: can't evaluate field Nope in type interface {}"),
    ("{{.HostConfig.Binds.X}}", "nil pointer evaluating interface {}.X"),
    ("a\n{{with .State}}{{.Nope}}{{end}}", ':2:17: executing "" at <.Nope>: map has no entry for key "Nope"'),
    ("{{$x := .State}}{{$x.Nope}}", ':1:20: executing "" at <$x.Nope>: map has no entry'),
])
def test_raw_run_errors_in_dockers_words(template, message):
    with pytest.raises(gotemplate.TemplateError) as e:
        _render(template, CONTAINER, "container")
    assert str(e.value).startswith("template parsing error: template: :") and message in str(e.value)


def test_volume_inspect_has_no_raw_fallback():
    """docker volume inspect: the typed run's error, naming Go's type."""
    for template, message in (("{{.Nope}}", "can't evaluate field Nope in type types.Volume"),
                              ("{{.UsageData.Size}}", "nil pointer evaluating *types.VolumeUsageData.Size"),
                              ("{{.Scope.X}}", "can't evaluate field X in type string")):
        with pytest.raises(gotemplate.TemplateError, match=message.replace("*", r"\*")):
            _render(template, VOLUME, "volume", raw_fallback=False)
    assert _render("{{.Labels.x.y}}|{{.Status}}|{{.UsageData}}", VOLUME, "volume", False) == "<no value>|map[]|<nil>"
    # docker inspect (any object) has the raw document: the map's words
    with pytest.raises(gotemplate.TemplateError, match='map has no entry for key "Nope"'):
        _render("{{.Nope}}", VOLUME, "volume")


def test_typed_json_has_only_the_types_fields():
    assert _render("{{json .}}", {**VOLUME, "Extra": 1}, "volume") == \
        '{"CreatedAt":"2026-01-01T00:00:00Z","Driver":"local","Labels":{},"Mountpoint":"/m","Name":"v",' \
        '"Options":{},"Scope":"local"}'


def test_go_time_and_duration_printing():
    assert _render("{{.Created}}", NETWORK, "network") == "2026-12-08 01:10:39.266771684 +0000 UTC"
    assert _render("{{json .Created}}", NETWORK, "network") == '"2026-12-08T01:10:39.266771684Z"'
    cases = {0: "0s", 5 * 10**9: "5s", 90 * 10**9: "1m30s", 1_500_000: "1.5ms", 3723 * 10**9: "1h2m3s",
             1500: "1.5µs", 7: "7ns", 2_500_000_000: "2.5s"}
    for ns, text in cases.items():
        assert inspect_template.duration_text(ns) == text


def test_raw_run_numbers_are_json_numbers():
    """The raw run's numbers are json.Number (a string to Go): eq with an
    int fails, with a string holds; printf %d says so; json of its maps
    sorts their keys, as Go marshals a map."""
    with pytest.raises(gotemplate.TemplateError, match=r':1:10: executing "" at <eq .State.Pid 0>: error calling eq: '
                                                       "incompatible types for comparison"):
        _render('{{.Id}} {{eq .State.Pid 0}}', CONTAINER, "container")
    assert _render('{{.Id}} {{eq .State.Pid "0"}} {{printf "%d" .State.Pid}}', CONTAINER, "container") == \
        "c1 true %!d(json.Number=0)"
    assert _render('{{.ID}} {{eq .State.Pid 0}} {{printf "%d" .State.Pid}}', CONTAINER, "container") == "c1 true 0"
    assert _render("{{.Id}} {{json .State}}", CONTAINER, "container") == 'c1 {"Pid":0,"Status":"created"}'
