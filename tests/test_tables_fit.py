"""Tables that fit (issue 15 item 2): as wide as the terminal, no value split inside a token.

On a terminal a table is fitted to its width the way gh does it: long names end in an
ellipsis, then the least important columns are left out (and a note says which); a pipe
gets every column whole. Widths are display cells, so wide characters align.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.cells import cell_len

from pspace_py.output import Output
from pspace_py.output.columns import MACHINE, OS_TEMPLATE, PUBLIC_IP, SNAPSHOT
from pspace_py.output.format import format_bytes, region_code
from pspace_py.output.tables import fit, plain_table

LONG_NAME = "research-training-cluster-node-0001-with-a-very-long-name"
MACHINES = [
    {
        "id": "ps2272ag",
        "name": LONG_NAME,
        "state": "provisioning",
        "region": "East Coast (NY2)",
        "machineType": "A100-80Gx8",
        "privateIp": "10.100.200.254",
        "publicIp": "203.0.113.254",
    },
    {
        "id": "psij5iap",
        "name": "日本語のマシン",
        "state": "ready",
        "region": "Europe (AMS1)",
        "machineType": "C5",
        "privateIp": "10.0.0.3",
        "publicIp": None,
    },
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_terminal(
    items: list[dict[str, Any]], columns: Any, width: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("CI", "1")  # no spinner on stderr
    stdout, stderr = Terminal(), io.StringIO()
    Output(stdout=stdout, stderr=stderr, no_color=True).table(items, columns)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("width", [80, 100, 120])
def test_machine_list_fits_the_terminal_and_splits_no_token(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, _ = on_terminal(MACHINES, MACHINE, width, monkeypatch)
    lines = table.splitlines()
    assert len(lines) == 3  # a header and one line per machine: nothing wrapped
    assert all(cell_len(line) <= width for line in lines)
    for value in ("ps2272ag", "provisioning", "A100-80Gx8", "psij5iap"):
        assert value in table
    assert "…" in lines[1]  # the long name is cut, visibly
    assert LONG_NAME[:12] in lines[1]


def test_the_region_is_its_code_in_a_table_and_its_full_name_in_a_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table, _ = on_terminal(MACHINES, MACHINE, 120, monkeypatch)
    assert "NY2" in table
    assert "East Coast" not in table
    stdout = io.StringIO()
    Output(stdout=stdout, stderr=io.StringIO()).record(MACHINES[0], MACHINE)
    assert "East Coast (NY2)" in stdout.getvalue()


def test_a_narrow_terminal_leaves_out_the_least_important_columns_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table, note = on_terminal(MACHINES, MACHINE, 60, monkeypatch)
    header = table.splitlines()[0]
    assert header.split()[:3] == ["ID", "NAME", "STATE"]
    assert "PRIVATE IP" not in header
    assert all(cell_len(line) <= 60 for line in table.splitlines())
    assert "PRIVATE IP" in note
    assert "-F" in note
    # What is shown is whole: the IP of the first machine is there entirely or not at all.
    assert "10.100.200.2" not in table or "10.100.200.254" in table


def test_a_pipe_gets_every_column_whole_however_narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    stdout = io.StringIO()
    Output(stdout=stdout, stderr=io.StringIO()).table(MACHINES, MACHINE)
    assert LONG_NAME in stdout.getvalue()
    assert "10.100.200.254" in stdout.getvalue()
    assert "…" not in stdout.getvalue()


def test_wide_characters_align_in_plain_tables() -> None:
    text = plain_table(
        ["NAME", "STATE"], [["日本語のマシン", "ready"], ["web-1", "off"]], no_header=False
    )
    starts = {
        cell_len(line[: line.index(state)])
        for line, state in zip(text.splitlines(), ["STATE", "ready", "off"], strict=True)
    }
    assert len(starts) == 1, text


def test_wide_characters_are_cut_by_display_width_on_a_terminal() -> None:
    widths, rows, dropped = fit(
        ["NAME", "STATE"],
        [["日本語のマシン日本語のマシン", "ready"]],
        width=20,
        priorities=[0, 0],
        truncatable=[True, False],
    )
    assert dropped == []
    assert cell_len(rows[0][0]) <= widths[0]
    assert rows[0][0].endswith("…")
    assert sum(widths) + 2 <= 20


def test_snapshot_lists_show_a_date_when_the_api_sends_one() -> None:
    snapshots = [{"id": "s1", "name": "nightly", "machineId": "ps1"}]
    stdout = io.StringIO()
    Output(stdout=stdout, stderr=io.StringIO()).table(snapshots, SNAPSHOT)
    assert stdout.getvalue().split("\n")[0].split() == ["ID", "NAME", "MACHINE"]
    dated = [{**snapshots[0], "dtCreated": "2026-01-02T03:04:05.000Z"}]
    stdout = io.StringIO()
    Output(stdout=stdout, stderr=io.StringIO()).table(dated, SNAPSHOT)
    assert stdout.getvalue().split("\n")[0].split() == ["ID", "NAME", "MACHINE", "CREATED"]
    assert "2026-01-02 03:04 UTC" in stdout.getvalue()


def test_the_minimum_disk_header_says_what_it_is() -> None:
    headers = [column.header for column in OS_TEMPLATE]
    assert "MIN DISK GB" in headers
    assert "DEFAULT DISK GB" not in headers


def test_public_ip_tables_show_region_codes() -> None:
    region = next(column for column in PUBLIC_IP if column.header == "REGION")
    assert region.cell({"region": "West Coast (CA1)"}) == "CA1"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (8589934592, "8 GB"),
        (53687091200, "50 GB"),
        (536870912, "512 MB"),
        (1649267441664, "1.5 TB"),
        (500, "500 B"),
    ],
)
def test_sizes_are_in_gb_as_the_api_and_console_write_them(value: int, shown: str) -> None:
    assert format_bytes(value) == shown


@pytest.mark.parametrize(
    ("region", "code"),
    [("East Coast (NY2)", "NY2"), ("Europe (AMS1)", "AMS1"), ("NY2", "NY2"), (None, "-")],
)
def test_region_codes(region: str | None, code: str) -> None:
    assert region_code(region) == code
