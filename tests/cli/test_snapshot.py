"""`pspace snapshot`: create, list, get, update, delete, restore against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.snapshots import SnapshotsApi
from tests.cli.resource_support import at_a_terminal, bodies, make_machine, record, sent, writes


@pytest.fixture
def box(sandbox_client: ApiClient) -> dict[str, Any]:
    return make_machine(sandbox_client, "box")


def snapshot_of(client: ApiClient, machine: dict[str, Any], name: str) -> dict[str, Any]:
    return SnapshotsApi(client).create(machine["id"], name).resource


def test_create_by_machine_name_sends_id_and_shows_the_snapshot_and_event(
    pspace: Any, sandbox: Any, box: dict[str, Any]
) -> None:
    run = pspace("snapshot", "create", "--machine", "box", "--name", "before-upgrade")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/snapshots") == [
        {"machineId": box["id"], "name": "before-upgrade"}
    ]
    shown = record(run.stdout)
    assert (shown["NAME"], shown["MACHINE"]) == ("before-upgrade", box["id"])
    assert "snapshot-create" in run.stderr
    assert "pspace machine-event get" in run.stderr


def test_create_json_prints_the_apis_data_event_wrapper(pspace: Any, box: dict[str, Any]) -> None:
    run = pspace("snapshot", "create", "-m", box["id"], "-n", "s1", "--json")

    answer = run.json()
    assert set(answer) == {"data", "event"}
    assert answer["data"]["name"] == "s1"
    assert answer["event"]["name"] == "snapshot-create"


def test_create_quiet_prints_only_the_id(pspace: Any, sandbox_client: ApiClient, box: Any) -> None:
    run = pspace("snapshot", "create", "-m", "box", "-n", "s1", "-q")

    assert run.stdout.strip() == SnapshotsApi(sandbox_client).page({}).items[0]["id"]


def test_create_for_an_unknown_machine_is_not_found(pspace: Any, sandbox: Any) -> None:
    run = pspace("snapshot", "create", "-m", "nobody", "-n", "s1")

    assert run.exit_code == 4
    assert "nobody" in run.stderr
    assert "pspace machine list" in run.stderr
    assert sent(sandbox, "POST", "/snapshots") == []


def test_list_shows_the_official_columns(pspace: Any, sandbox_client: ApiClient, box: Any) -> None:
    snapshot = snapshot_of(sandbox_client, box, "nightly")

    run = pspace("snapshot", "list")

    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "MACHINE"]
    assert lines[1].split() == [snapshot["id"], "nightly", box["id"]]


def test_list_filters_by_machine_name_and_snapshot_name(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any
) -> None:
    other = make_machine(sandbox_client, "other")
    wanted = snapshot_of(sandbox_client, box, "nightly")
    snapshot_of(sandbox_client, box, "weekly")
    snapshot_of(sandbox_client, other, "nightly")
    sandbox.clear_request_log()

    run = pspace("snapshot", "list", "--machine-id", "box", "--name", "nightly", "--json")

    assert [item["id"] for item in run.json()["items"]] == [wanted["id"]]
    listed = sent(sandbox, "GET", "/snapshots")
    assert listed[0]["query"]["machineId"] == box["id"]
    assert listed[0]["query"]["orderBy"] == "dtCreated"


def test_empty_list_says_so_on_stderr_and_json_is_an_empty_page(pspace: Any) -> None:
    table = pspace("snapshot", "list")
    as_json = pspace("snapshot", "list", "--json")

    assert (table.exit_code, table.stdout) == (0, "")
    assert "No snapshots" in table.stderr
    assert as_json.json() == {"hasMore": False, "items": [], "nextPage": None}


def test_one_page_says_how_to_get_the_next_and_all_follows_every_page(
    pspace: Any, sandbox_client: ApiClient, box: Any
) -> None:
    for number in range(3):
        snapshot_of(sandbox_client, box, f"s{number}")

    first = pspace("snapshot", "list", "--limit", "2", "-q")
    cursor = first.stderr.split("--after ")[1].split()[0]
    rest = pspace("snapshot", "list", "--limit", "2", "-q", "--after", cursor)
    every = pspace("snapshot", "list", "--limit", "2", "-q", "--all")

    assert len(first.stdout.split()) == 2
    assert "--all" in first.stderr
    assert len(rest.stdout.split()) == 1
    assert rest.stderr == ""
    assert every.stdout.split() == first.stdout.split() + rest.stdout.split()


def test_list_asc_and_fields(pspace: Any, sandbox_client: ApiClient, box: Any) -> None:
    snapshot_of(sandbox_client, box, "old")
    snapshot_of(sandbox_client, box, "new")

    run = pspace("snapshot", "list", "--asc", "-F", "name,isAutoSnapshot", "--no-header")

    assert [line.split() for line in run.stdout.splitlines()] == [["old", "no"], ["new", "no"]]


def test_get_by_id_or_name(pspace: Any, sandbox_client: ApiClient, box: Any) -> None:
    snapshot = snapshot_of(sandbox_client, box, "nightly")

    by_id = pspace("snapshot", "get", snapshot["id"], "--json")
    by_name = pspace("snapshot", "get", "nightly", "--json")

    assert by_id.json() == by_name.json() == snapshot


def test_an_ambiguous_name_lists_the_candidates(
    pspace: Any, sandbox_client: ApiClient, box: Any
) -> None:
    first = snapshot_of(sandbox_client, box, "nightly")
    second = snapshot_of(sandbox_client, box, "nightly")

    run = pspace("snapshot", "get", "nightly")

    assert run.exit_code == 2
    assert first["id"] in run.stderr
    assert second["id"] in run.stderr


def test_update_renames(pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any) -> None:
    snapshot = snapshot_of(sandbox_client, box, "nightly")

    run = pspace("snapshot", "update", "nightly", "--name", "keep-me", "--json")

    assert run.json()["name"] == "keep-me"
    assert bodies(sandbox, "PUT", f"/snapshots/{snapshot['id']}") == [{"name": "keep-me"}]


def test_delete_without_a_terminal_needs_yes(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any
) -> None:
    snapshot_of(sandbox_client, box, "nightly")
    sandbox.clear_request_log()

    run = pspace("snapshot", "delete", "nightly")

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_delete_with_yes_shows_the_event(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any
) -> None:
    snapshot = snapshot_of(sandbox_client, box, "nightly")

    run = pspace("snapshot", "delete", "nightly", "--yes", "--json")

    assert run.exit_code == 0
    assert run.json()["event"]["name"] == "snapshot-delete"
    assert len(sent(sandbox, "DELETE", f"/snapshots/{snapshot['id']}")) == 1
    assert pspace("snapshot", "list", "--json").json()["items"] == []


@pytest.mark.parametrize(("answer", "exit_code", "deleted"), [("y\n", 0, True), ("n\n", 5, False)])
def test_delete_at_a_terminal_asks(
    pspace: Any,
    sandbox_client: ApiClient,
    box: Any,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    exit_code: int,
    deleted: bool,
) -> None:
    snapshot_of(sandbox_client, box, "nightly")
    at_a_terminal(monkeypatch)

    run = pspace("snapshot", "delete", "nightly", input=answer)

    assert run.exit_code == exit_code
    assert "Delete snapshot 'nightly'" in run.stderr
    assert (pspace("snapshot", "list", "--json").json()["items"] == []) is deleted
    if not deleted:
        assert "Cancelled" in run.stderr


@pytest.mark.parametrize(
    ("flags", "body"),
    [
        ((), {}),
        (("--create-snapshot",), {"createSnapshotBeforeRestore": True}),
        (("--no-create-snapshot",), {"createSnapshotBeforeRestore": False}),
    ],
)
def test_restore_sends_only_what_was_asked(
    pspace: Any,
    sandbox: Any,
    sandbox_client: ApiClient,
    box: Any,
    flags: tuple[str, ...],
    body: dict[str, Any],
) -> None:
    snapshot = snapshot_of(sandbox_client, box, "nightly")

    run = pspace("snapshot", "restore", "nightly", "--yes", *flags)

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", f"/snapshots/{snapshot['id']}/restore") == [body]
    assert "snapshot-restore" in run.stderr


def test_restore_without_a_terminal_needs_yes(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any
) -> None:
    snapshot_of(sandbox_client, box, "nightly")
    sandbox.clear_request_log()

    run = pspace("snapshot", "restore", "nightly")

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_restore_at_a_terminal_explains_and_wants_the_machine_name(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any, monkeypatch: Any
) -> None:
    snapshot = snapshot_of(sandbox_client, box, "nightly")
    at_a_terminal(monkeypatch)

    wrong = pspace("snapshot", "restore", "nightly", input="boxx\n")
    right = pspace("snapshot", "restore", "nightly", input="box\n")

    assert wrong.exit_code == 5
    assert "Cancelled" in wrong.stderr
    assert "goes back to the snapshot" in wrong.stderr
    assert "lost" in wrong.stderr
    assert right.exit_code == 0, right.stderr
    assert len(sent(sandbox, "POST", f"/snapshots/{snapshot['id']}/restore")) == 1


def test_restore_of_a_missing_snapshot_is_not_found(pspace: Any, sandbox: Any) -> None:
    run = pspace("snapshot", "restore", "s-missing", "--yes")

    assert run.exit_code == 4
    assert "s-missing" in run.stderr
    assert "pspace snapshot list" in run.stderr
    assert writes(sandbox) == []


def test_create_wait_follows_the_event_until_done(pspace: Any, box: dict[str, Any]) -> None:
    run = pspace("snapshot", "create", "-m", "box", "-n", "s1", "--wait", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["event"]["state"] == "done"
    assert "snapshot-create on machine" in run.stderr


def test_wait_on_a_failed_snapshot_exits_8(pspace: Any, sandbox: Any, box: dict[str, Any]) -> None:
    sandbox.add_event_failure("snapshot-create", "disk full")

    run = pspace("snapshot", "create", "-m", "box", "-n", "s1", "--wait")

    assert run.exit_code == 8
    assert "disk full" in run.stderr
