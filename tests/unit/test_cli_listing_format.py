"""The listing verbs' --format as Docker's CLI: parse errors and their exit
codes, methods of a row (.Label "k"), rows' JSON, ps COMMAND quoting."""
import pytest

from gateway.cli import gotemplate, output, tableformat
from gateway.cli.containers import quote_command


def test_unclosed_action_is_a_parse_error():
    with pytest.raises(gotemplate.ParseError, match=r"^template parsing error: template: :1: unclosed action$") as e:
        gotemplate.compile_template("{{.Name")
    assert e.value.exit_code == 64
    with pytest.raises(tableformat.ListParseError, match="^failed to parse template: template: :1: unclosed") as e:
        tableformat.compile_row("{{.Name", "failed to parse template")
    assert e.value.exit_code == 1


def test_unknown_function_fails_at_parse():
    with pytest.raises(gotemplate.ParseError, match='function "nosuch" not defined'):
        gotemplate.compile_template("{{nosuch .Name}}")


def test_row_methods_and_json():
    rows = [{"Names": "a", "Label": lambda k: {"k": "v"}.get(k, "")}]
    assert tableformat.render('{{.Names}} {{.Label "k"}}|{{.Label "x"}}', rows, {}) == "a v|\n"
    assert tableformat.render("json", [{"b": 1, "a": 2, "Label": len}], {}) == '{"a":2,"b":1}\n'
    assert tableformat.render("{{json .}}", [{"b": 1, "a": 2}], {}) == '{"a":2,"b":1}\n'
    with pytest.raises(gotemplate.TemplateError, match="wrong number of args for Label"):
        tableformat.render("{{.Label}}", rows, {})


def test_table_header_from_fields():
    out = tableformat.render("table {{.ID}}\\t{{.Names}}", [{"ID": "1", "Names": "a"}], {"ID": "CONTAINER ID"})
    assert out.splitlines() == ["CONTAINER ID   NAMES", "1              a"]


@pytest.mark.parametrize("command, trunc, shown", [
    ("true", True, '"true"'),
    ("sh -c 'echo one; echo two'", True, "\"sh -c 'echo one; ec…\""),
    ("sh -c 'echo one; echo two'", False, "\"sh -c 'echo one; echo two'\""),
    ('echo say "hi"', True, '"echo say \\"hi\\""'),
    ("printf a\tb", True, '"printf a\\tb"'),
])
def test_ps_command_as_docker_quotes_it(command, trunc, shown):
    assert quote_command(command, trunc) == shown


def test_go_quote_escapes_what_does_not_print():
    assert output.go_quote("é\x01\\") == '"é\\x01\\\\"'
