"""Sizes the API accepts (the real openapi.json's enums) pass the client's own checks, priced or
not: the docs' `pspace shared-drive create ... --size 50`, a 4000 GB machine disk."""

from __future__ import annotations

from tests.conftest import Invoke


def test_the_docs_shared_drive_example_size_is_accepted(pspace: Invoke) -> None:
    network = pspace("network", "create", "--name", "lab", "--region", "NY2", "--json")
    assert network.exit_code == 0, network.stderr
    run = pspace(
        "shared-drive", "create", "--name", "data", "--size", "50", "--network-id", "lab", "--json"
    )
    assert run.exit_code == 0, run.stderr
    assert run.json()["size"] == 50 * 2**30


def test_a_disk_size_without_a_known_price_is_accepted(pspace: Invoke) -> None:
    run = pspace(
        "machine", "create", "--name", "big", "--machine-type", "C5", "--template-id", "t0nspur5",
        "--region", "NY2", "--disk-size", "4000", "--yes", "--json",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert run.json()["data"]["storageTotal"] == 4000 * 2**30


def test_other_sizes_are_still_refused_before_any_request(pspace: Invoke) -> None:
    run = pspace("machine", "create", "--name", "odd", "--machine-type", "C5",
                 "--template-id", "t0nspur5", "--region", "NY2", "--disk-size", "60")  # fmt: skip
    assert run.exit_code == 2
    assert "Use one of: 50, 100, 250, 500, 1000, 2000, 4000, 8000, 12000, 16000" in run.stderr
