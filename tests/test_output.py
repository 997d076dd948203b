"""The output layer in each mode: JSON, quiet, plain tables, records, messages."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from pspace_py.output import Output, parse_fields
from pspace_py.output.columns import MACHINE_EVENT, Column
from pspace_py.output.format import format_bytes, format_value, pick, sanitize
from pspace_py.output.results import ItemResult

ROWS = [
    {"id": "ps1", "name": "web", "state": "ready", "accelerators": [{"name": "A100", "count": 1}]},
    {"id": "ps2", "name": "db", "state": "off", "accelerators": None},
]
COLUMNS = [Column("ID", "id"), Column("NAME", "name"), Column("STATE", "state")]


def make(**kwargs: object) -> tuple[Output, io.StringIO, io.StringIO]:
    stdout, stderr = io.StringIO(), io.StringIO()
    return Output(stdout=stdout, stderr=stderr, **kwargs), stdout, stderr  # type: ignore[arg-type]


def test_json_list_streams_a_parseable_array() -> None:
    out, stdout, _ = make(json_mode=True)
    assert out.resources(iter(ROWS), COLUMNS, empty_message="none") == 2
    assert json.loads(stdout.getvalue()) == ROWS


def test_empty_json_list_is_an_empty_array_and_table_says_so_on_stderr() -> None:
    out, stdout, _ = make(json_mode=True)
    out.resources(iter([]), COLUMNS, empty_message="No machines found.")
    assert json.loads(stdout.getvalue()) == []
    out, stdout, stderr = make()
    out.resources(iter([]), COLUMNS, empty_message="No machines found.")
    assert stdout.getvalue() == ""
    assert "No machines found." in stderr.getvalue()


def test_long_json_strings_are_never_wrapped() -> None:
    out, stdout, _ = make(json_mode=True)
    long_name = "x" * 500
    out.json({"name": long_name})
    assert json.loads(stdout.getvalue())["name"] == long_name


def test_fields_pick_dotted_paths_in_json_and_tables() -> None:
    out, stdout, _ = make(json_mode=True, fields=["id", "accelerators.0.name"])
    out.json_items(iter(ROWS))
    assert json.loads(stdout.getvalue()) == [
        {"id": "ps1", "accelerators.0.name": "A100"},
        {"id": "ps2"},  # accelerators is null: the path leads nowhere, so it is left out
    ]
    out, stdout, _ = make(fields=["name", "accelerators.0.name"])
    out.table(ROWS, COLUMNS)
    lines = stdout.getvalue().splitlines()
    assert lines[0].split() == ["NAME", "ACCELERATORS.0.NAME"]
    assert lines[1].split() == ["web", "A100"]


def test_parse_fields_accepts_repeats_and_commas() -> None:
    assert parse_fields(["id,name", " state ", ""]) == ["id", "name", "state"]


def test_plain_table_when_not_a_terminal_has_no_colour_or_boxes() -> None:
    out, stdout, _ = make()
    out.table(ROWS, COLUMNS)
    text = stdout.getvalue()
    assert "\x1b" not in text
    assert not any(ch in text for ch in "│─┃━")
    assert text.splitlines() == ["ID   NAME  STATE", "ps1  web   ready", "ps2  db    off"]


def test_no_header() -> None:
    out, stdout, _ = make(no_header=True)
    out.table(ROWS, COLUMNS)
    assert stdout.getvalue().splitlines()[0].startswith("ps1")


def test_quiet_prints_ids_only() -> None:
    out, stdout, _ = make(quiet=True)
    out.resources(iter(ROWS), COLUMNS, empty_message="none")
    assert stdout.getvalue() == "ps1\nps2\n"


def test_escape_sequences_from_the_api_are_neutralised() -> None:
    out, stdout, stderr = make()
    out.table([{"id": "ps1", "name": "\x1b[31mred\x1b]0;title\x07", "state": "ok"}], COLUMNS)
    assert "\x1b" not in stdout.getvalue()
    assert "\x07" not in stdout.getvalue()
    assert "\\x1b[31mred" in stdout.getvalue()
    out.error("bad \x1b[2J name")
    assert "\x1b" not in stderr.getvalue()


def test_error_is_one_line_with_its_hint() -> None:
    out, _, stderr = make()
    out.error("Not logged in.", "Run 'pspace login' or set PAPERSPACE_API_KEY.")
    assert stderr.getvalue() == (
        "Error: Not logged in. Run 'pspace login' or set PAPERSPACE_API_KEY.\n"
    )


def test_record_shows_one_field_per_line() -> None:
    out, stdout, _ = make()
    event = {"id": "e1", "name": "start", "state": "done", "machineId": "ps1", "error": None}
    out.record(event, MACHINE_EVENT)
    lines = stdout.getvalue().splitlines()
    assert lines[0].split() == ["ID", "e1"]
    assert any(line.split() == ["ERROR", "-"] for line in lines)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "-"),
        (True, "yes"),
        (["a", "b"], "a, b"),
        ("2024-01-02T03:04:05.000Z", "2024-01-02 03:04 UTC"),
        ("2024", "2024"),  # the official CLI turns this into a date; we do not
        ({"a": 1}, '{"a":1}'),
    ],
)
def test_cell_formatting(value: object, text: str) -> None:
    assert format_value(value) == text


def test_bytes_are_readable() -> None:
    assert format_bytes(8 * 2**30) == "8 GB"
    assert format_bytes(512 * 2**20) == "512 MB"
    assert format_bytes(1536) == "1.5 KB"


def test_pick_handles_missing_paths_and_indices() -> None:
    assert pick(ROWS[0], "accelerators.0.name") == "A100"
    assert pick(ROWS[0], "accelerators.5.name") is None
    assert pick(ROWS[0], "nope.deeper") is None
    absent = object()
    assert pick(ROWS[1], "accelerators", absent) is None  # there, and null
    assert pick(ROWS[1], "accelerators.0", absent) is absent
    assert pick(ROWS[1], "nope", absent) is absent


def test_sanitize_keeps_newlines_and_tabs() -> None:
    assert sanitize("a\tb\nc\x1bd") == "a\tb\nc\\x1bd"


def test_json_escapes_del_and_c1_controls_that_a_terminal_would_act_on() -> None:
    value = {"name": "a\x9b31mb\x7f é"}
    out, stdout, _ = make(json_mode=True)
    out.json(value)
    assert "\x9b" not in stdout.getvalue()
    assert "\\u009b" in stdout.getvalue()
    assert "é" in stdout.getvalue()
    assert json.loads(stdout.getvalue()) == value
    out, stdout, _ = make(json_mode=True)
    out.json_items(iter([value]))
    assert "\x7f" not in stdout.getvalue()
    assert json.loads(stdout.getvalue()) == [value]


def test_ids_and_messages_stay_on_one_line() -> None:
    out, stdout, stderr = make(quiet=True)
    out.ids([{"id": "ps1\nps2"}])
    assert stdout.getvalue() == "ps1\\nps2\n"
    out.error("the API said:\nsomething")
    assert stderr.getvalue().count("\n") == 1


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_spinner_runs_on_an_interactive_stderr_while_rows_are_gathered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    stdout, stderr = io.StringIO(), FakeTerminal()
    Output(stdout=stdout, stderr=stderr).table(iter(ROWS), COLUMNS)
    assert "ps1" in stdout.getvalue()
    assert "\x1b" not in stdout.getvalue()
    assert stderr.getvalue() != ""  # the spinner drew (and cleared) itself on stderr


def test_no_spinner_in_ci_or_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    stdout, stderr = io.StringIO(), FakeTerminal()
    Output(stdout=stdout, stderr=stderr).table(iter(ROWS), COLUMNS)
    assert stderr.getvalue() == ""


@pytest.mark.parametrize("how", ["env", "flag"])
def test_no_color_on_a_terminal(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "env":
        monkeypatch.setenv("NO_COLOR", "1")
    stdout, stderr = FakeTerminal(), FakeTerminal()
    out = Output(stdout=stdout, stderr=stderr, no_color=how == "flag")
    out.table(iter(ROWS), COLUMNS)
    out.error("boom")
    assert "ps1" in stdout.getvalue()
    assert "\x1b[1;31m" not in stderr.getvalue()
    assert "\x1b[3" not in stdout.getvalue()  # no foreground colours in the table


def test_colour_on_a_terminal_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")  # no spinner noise on stderr
    stderr = FakeTerminal()
    Output(stdout=FakeTerminal(), stderr=stderr).error("boom")
    assert "\x1b[1;31m" in stderr.getvalue()


# -- what happened: the command says it, Output picks the mode ---------------------------------

ANSWER = {"id": "ps1", "name": "web", "state": "off"}


@pytest.mark.parametrize(
    ("mode", "stdout_text", "stderr_text"),
    [
        ({"json_mode": True}, json.dumps(ANSWER, indent=2) + "\n", ""),
        ({"quiet": True}, "ps1\n", ""),
        ({}, "", "Deleted web.\n"),
    ],
)
def test_a_removal_is_the_answer_for_scripts_and_a_sentence_for_people(
    mode: dict[str, bool], stdout_text: str, stderr_text: str
) -> None:
    out, stdout, stderr = make(**mode)
    out.removed(ANSWER, "Deleted web.")
    assert (stdout.getvalue(), stderr.getvalue()) == (stdout_text, stderr_text)


@pytest.mark.parametrize(
    ("fields", "stdout_text"),
    [
        (["id"], "ID\nps1\n"),
        (["id", "name"], "ID   NAME\nps1  web\n"),
        (["id", "region"], "ID   REGION\nps1  -\n"),  # what the answer lacks, as everywhere
    ],
)
def test_a_removal_with_fields_prints_their_table_as_the_official_cli_does(
    fields: list[str], stdout_text: str
) -> None:
    out, stdout, stderr = make(fields=fields)
    out.removed(ANSWER, "Deleted web.")
    assert (stdout.getvalue(), stderr.getvalue()) == (stdout_text, "Deleted web.\n")


def test_a_note_is_for_people_only() -> None:
    for mode in ({"json_mode": True}, {"quiet": True}):
        out, stdout, stderr = make(**mode)
        out.note("Machine ps1 (web): started.", success=True)
        assert (stdout.getvalue(), stderr.getvalue()) == ("", "")
    out, stdout, stderr = make()
    out.note("Machine ps1 (web): started.", success=True)
    assert (stdout.getvalue(), stderr.getvalue()) == ("", "Machine ps1 (web): started.\n")


def test_a_report_is_its_document_for_scripts_and_drawn_for_people() -> None:
    drawn: list[str] = []
    out, stdout, _ = make(json_mode=True)
    out.report({"hourlyNow": 0.5}, people=lambda: drawn.append("table"))
    assert json.loads(stdout.getvalue()) == {"hourlyNow": 0.5}
    assert drawn == []
    out, stdout, _ = make()
    out.report({"hourlyNow": 0.5}, people=lambda: drawn.append("table"))
    assert (stdout.getvalue(), drawn) == ("", ["table"])
    out, stdout, _ = make()
    out.report({"data": None})  # nothing more to tell people
    assert stdout.getvalue() == ""


BULK = [
    ItemResult(id="ps1", name="web", ok=True, state="off", data={"id": "ps1"}, event=None),
    ItemResult(
        id="ps2",
        name="db",
        ok=False,
        state="ready",
        error="Machine is busy.",
        exit_code=6,
    ),
]


def test_bulk_results_as_json_quiet_and_table() -> None:
    out, stdout, _ = make(json_mode=True)
    out.bulk(BULK)
    assert json.loads(stdout.getvalue()) == [
        {
            "id": "ps1",
            "name": "web",
            "ok": True,
            "error": None,
            "data": {"id": "ps1"},
            "event": None,
        },
        {
            "id": "ps2",
            "name": "db",
            "ok": False,
            "error": {"message": "Machine is busy.", "exitCode": 6},
            "data": None,
            "event": None,
        },
    ]
    out, stdout, _ = make(quiet=True)
    out.bulk(BULK)
    assert stdout.getvalue() == "ps1\n"  # only what succeeded
    out, stdout, _ = make()
    out.bulk(BULK)
    assert [line.split() for line in stdout.getvalue().splitlines()] == [
        ["ID", "NAME", "RESULT", "STATE"],
        ["ps1", "web", "ok", "off"],
        ["ps2", "db", "failed", "ready"],
    ]


def test_no_bulk_results_is_an_empty_array_for_scripts_and_nothing_for_people() -> None:
    out, stdout, _ = make(json_mode=True)
    out.bulk([])
    assert json.loads(stdout.getvalue()) == []
    out, stdout, _ = make()
    out.bulk([])
    assert stdout.getvalue() == ""


def test_commands_say_what_happened_and_never_ask_the_mode() -> None:
    """`out.json_mode` / `out.quiet` are Output's to read: a command that branches on them
    redoes the mode switch that Output.resource, removed, bulk, report and note make."""
    import ast
    from pathlib import Path

    import pspace_py.cli

    readers = []
    for path in sorted(Path(pspace_py.cli.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("json_mode", "quiet"):
                readers.append(f"{path.name}:{node.lineno}")
    assert readers == []


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_json_page_is_written_item_by_item_to_a_terminal() -> None:
    stdout = Terminal()
    out = Output(json_mode=True, stdout=stdout, stderr=io.StringIO())
    seen_before_next: list[str] = []

    def pages() -> Iterator[dict[str, str]]:
        for row in ({"id": "ps1"}, {"id": "ps2"}):
            seen_before_next.append(stdout.getvalue())
            yield row

    assert out.page(pages(), COLUMNS, has_more=True, next_page="c2", empty_message="none") == 2
    assert '"id": "ps1"' in seen_before_next[1]  # written before the second was fetched
    assert stdout.getvalue() == (
        '{\n  "hasMore": true,\n  "items": [\n    {\n      "id": "ps1"\n    },\n'
        '    {\n      "id": "ps2"\n    }\n  ],\n  "nextPage": "c2"\n}\n'
    )


def test_a_page_with_fields_is_the_official_clis_picked_envelope() -> None:
    out, stdout, _ = make(json_mode=True, fields=["name"])
    out.page(iter(ROWS), COLUMNS, has_more=False, next_page=None, empty_message="none")
    assert list(json.loads(stdout.getvalue())) == ["items", "hasMore", "nextPage"]
    assert json.loads(stdout.getvalue())["items"] == [{"name": "web"}, {"name": "db"}]


def test_a_page_for_people_is_a_table_or_ids() -> None:
    out, stdout, stderr = make()
    out.page(iter([]), COLUMNS, has_more=False, next_page=None, empty_message="No machines.")
    assert (stdout.getvalue(), stderr.getvalue()) == ("", "No machines.\n")
    out, stdout, _ = make(quiet=True)
    out.page(iter(ROWS), COLUMNS, has_more=True, next_page="c", empty_message="none")
    assert stdout.getvalue() == "ps1\nps2\n"
