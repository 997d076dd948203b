"""What things cost, as the CLI shows it: `pspace cost`, the cost column, catalog overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Invoke

CREATE = ("machine", "create", "--template-id", "t0nspur5", "--region", "NY2", "--disk-size", "50")


def test_cost_with_nothing_running_says_so(pspace: Invoke) -> None:
    run = pspace("cost")
    assert run.exit_code == 0
    assert "nothing is being spent" in run.stderr
    assert "$0.00/hr" in run.stdout


def test_cost_totals_agree_with_the_catalog(pspace: Invoke) -> None:
    # Worked by hand from catalog.md: a running C5 with a dynamic IP costs
    # 0.08 + 0.0045 + 0.0074 = $0.0919/hr; an off C4 only its disk, $0.0074/hr;
    # an unassigned claimed IP $0.0045/hr. A 730-hour month, caps applied:
    # 58.40 + 3.00 + 5.00 (C5) + 5.00 (C4 disk) + 3.00 (IP) = $74.40.
    assert pspace(*CREATE, "-n", "on", "--machine-type", "C5", "--wait").exit_code == 0
    off = ("-n", "off", "--machine-type", "C4", "--no-start-on-create", "--wait")
    assert pspace(*CREATE, *off).exit_code == 0
    assert pspace("ip", "claim", "--region", "NY2").exit_code == 0
    spend = pspace("cost", "--json").json()
    assert spend["hourlyNow"] == pytest.approx(0.1038)
    assert spend["monthlyNow"] == pytest.approx(74.40)
    assert spend["totalsComplete"] is True
    table = pspace("cost")
    assert "$0.1038/hr" in table.stdout
    assert "$74.40/mo" in table.stdout


def test_list_shows_each_machines_hourly_cost(pspace: Invoke) -> None:
    pspace(*CREATE, "-n", "on", "--machine-type", "C5", "--wait")
    run = pspace("machine", "list", "-F", "name,state")  # -F replaces the default columns
    assert "$" not in run.stdout
    run = pspace("machine", "list")
    assert "$0.0919/hr" in run.stdout


def test_an_override_file_changes_prices_and_adds_types(pspace: Invoke, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "catalog.toml").write_text(
        '[machine-types.C5]\nhourly = "0.10"\n\n[machine-types.Z9000]\nhourly = "2.50"\n'
    )
    c5 = pspace(*CREATE, "-n", "a", "--machine-type", "C5", "--dry-run", "--json").json()
    assert c5["price"]["runningHourly"] == pytest.approx(0.1045)
    z9000 = pspace(*CREATE, "-n", "b", "--machine-type", "Z9000", "--dry-run")
    [machine_line] = [line for line in z9000.stderr.splitlines() if line.startswith("  Z9000")]
    assert "$2.50/hr" in machine_line
    # The API's t0nspur5 does not list the new type: the dry run says the create would fail.
    assert z9000.exit_code == 2
    assert "does not run on Z9000" in z9000.stderr


def test_a_type_missing_from_the_catalog_is_refused_with_no_price(pspace: Invoke) -> None:
    run = pspace(*CREATE, "-n", "a", "--machine-type", "Z9000", "--dry-run", "--json")
    assert run.exit_code == 2
    assert run.json()["price"] is None
    assert "Unknown machine type 'Z9000'" in run.stderr
    assert "$0" not in run.stderr


def test_a_broken_override_file_is_one_clear_line(pspace: Invoke, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "catalog.toml").write_text("[machine-types.C5\nhourly = 1\n")
    run = pspace("machine", "types")
    assert run.exit_code != 0
    [line] = run.stderr.strip().splitlines()
    assert "catalog.toml" in line
    assert "line 1" in line
