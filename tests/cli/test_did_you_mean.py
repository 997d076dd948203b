"""A near miss gets a "did you mean" (issue 15): command names, and names in the wrong case."""

from __future__ import annotations

import pytest

from tests.conftest import Invoke

TRAIN = [
    "machine", "create", "-n", "train", "--machine-type", "C5", "--template-id", "t0nspur5",
    "--region", "NY2", "--disk-size", "50", "--yes", "-q",
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["machin", "list"], "machine"),
        (["snapshots", "list"], "snapshot"),
        (["Machine", "list"], "machine"),
        (["machine", "lst"], "list"),
        (["machine", "Stop", "train"], "stop"),
        (["private-networks", "list"], "private-network"),
    ],
)
def test_a_mistyped_command_gets_the_command_it_was_probably_meant_to_be(
    pspace: Invoke, args: list[str], suggestion: str
) -> None:
    run = pspace(*args)
    assert run.exit_code == 2
    assert f"No such command '{args[0] if args[0] != 'machine' else args[1]}'." in run.stderr
    assert f"Did you mean '{suggestion}'?" in run.stderr
    assert run.stderr.count("\n") == 1


def test_a_command_nothing_like_any_gets_no_suggestion(pspace: Invoke) -> None:
    run = pspace("frobnicate")
    assert run.exit_code == 2
    assert "Did you mean" not in run.stderr


def test_a_name_in_the_wrong_case_gets_the_right_one(pspace: Invoke) -> None:
    assert pspace(*TRAIN).exit_code == 0
    run = pspace("machine", "get", "Train")
    assert run.exit_code == 4
    assert "No machine has the ID or name 'Train'." in run.stderr
    assert "Did you mean 'train'?" in run.stderr


def test_a_snapshot_name_in_the_wrong_case_gets_the_right_one(pspace: Invoke) -> None:
    assert pspace(*TRAIN).exit_code == 0
    assert pspace("snapshot", "create", "-m", "train", "-n", "nightly").exit_code == 0
    run = pspace("snapshot", "get", "NIGHTLY")
    assert run.exit_code == 4
    assert "Did you mean 'nightly'?" in run.stderr
