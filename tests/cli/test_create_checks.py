"""Every check before the price and the prompt: `machine create`, `--dry-run`, resize, update.

Each trap of issue 14 is run as a user types it: caught with exit 2 and one line naming the
fix before anything is priced or sent, or accepted as the real API would accept it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pspace_py.catalog import bundled_catalog
from tests.conftest import Invoke

CREATE = {
    "--name": "web-1",
    "--machine-type": "C5",
    "--template-id": "t0nspur5",
    "--region": "NY2",
    "--disk-size": "50",
}


def create_args(**changes: str) -> list[str]:
    options = {**CREATE, **{f"--{key.replace('_', '-')}": value for key, value in changes.items()}}
    args = ["machine", "create"]
    for option, value in options.items():
        args += [option, value]
    return args


def writes(sandbox: Any) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in sandbox.request_log() if e["method"] != "GET"]


def server_templates_run_on_gpus(sandbox: Any) -> None:
    """The sandbox as the evidence has it (issue 13): Ubuntu Server templates on GPU types."""
    catalog = bundled_catalog()
    gpu_types = tuple(t.label for t in catalog.machine_types if t.is_gpu)
    templates = tuple(
        t._replace(machine_types=(*t.machine_types, *gpu_types))
        if t.id in ("t0nspur5", "tkni3aa4")
        else t
        for t in catalog.os_templates
    )
    changed = dataclasses.replace(catalog, os_templates=templates)
    sandbox.runtime = dataclasses.replace(sandbox.runtime, catalog=changed)


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"machine_type": "C55"}, "Unknown machine type 'C55'. Did you mean C5?"),
        ({"machine_type": "A100-80GB"}, "Did you mean A100-80G?"),
        ({"template_id": "tnothere"}, "No OS or custom template has the ID or name 'tnothere'"),
        ({"disk_size": "60"}, "Disk size 60 GB is not offered"),
        ({"name": "x" * 300}, "at most 255"),
        ({"region": "mars"}, "Unknown region 'mars'"),
        ({"machine_type": "A100", "region": "AMS1"}, "A100 is not offered in AMS1"),
        (
            {"machine_type": "A100", "template_id": "tvimtol9", "disk_size": "50"},
            "The template needs at least 100 GB; 50 GB is too small. Use --disk-size 100",
        ),
    ],
)
def test_bad_input_is_caught_before_the_price_with_one_line_naming_the_fix(
    pspace: Invoke, sandbox: Any, changes: dict[str, str], expected: str
) -> None:
    run = pspace(*create_args(**changes), "--yes")

    assert run.exit_code == 2
    assert expected in one_error_line(run.stderr)
    assert "Price summary" not in run.stderr
    assert writes(sandbox) == []


def test_a_300_character_name_is_one_error_printed_once(pspace: Invoke) -> None:
    run = pspace(*create_args(name="n" * 300), "--yes")

    assert run.exit_code == 2
    assert run.stderr.count("at most 255") == 1


def test_a_lower_case_type_is_accepted_and_sent_as_the_catalog_spells_it(
    pspace: Invoke, sandbox: Any
) -> None:
    run = pspace(
        *create_args(machine_type="a100-80g", template_id="tvimtol9", disk_size="100"), "--yes"
    )

    assert run.exit_code == 0, run.stderr
    [body] = [e["body"] for e in sandbox.request_log() if e["method"] == "POST"]
    assert body["machineType"] == "A100-80G"


def test_a_template_that_does_not_run_on_the_type_names_templates_that_do(
    pspace: Invoke, sandbox: Any
) -> None:
    # The sandbox's API says t0nspur5 runs on CPU types only (before issue 13's catalog).
    sandbox.runtime = dataclasses.replace(sandbox.runtime, catalog=bundled_catalog())
    run = pspace(*create_args(machine_type="P4000", template_id="tvimtol9", disk_size="100"))

    assert run.exit_code == 2
    line = one_error_line(run.stderr)
    assert "Template tvimtol9 (mliab-u22-241101) does not run on P4000 (per the API)" in line
    assert "Templates for P4000: " in line
    assert writes(sandbox) == []


def test_the_readme_example_passes_where_the_api_lists_the_type(
    pspace: Invoke, sandbox: Any
) -> None:
    server_templates_run_on_gpus(sandbox)

    run = pspace(
        "machine", "create", "-n", "train", "--machine-type", "A4000", "--template-id",
        "t0nspur5", "--region", "NY2", "--disk-size", "100", "--wait", "--json",
    )  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert run.json()["data"]["machineType"] == "A4000"


def test_a_template_the_api_lists_without_machine_types_is_allowed(
    pspace_with: Any,
) -> None:
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/os-templates"):
            template = {"id": "tnew1234", "name": "new-image", "availableMachineTypes": []}
            return httpx.Response(200, json={"hasMore": False, "items": [template]})
        if path.endswith("/billing/account-standing"):
            return httpx.Response(200, json={"isInGoodStanding": True})
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": "not found"})

    run = pspace_with(
        answer, "--api-key", "k", *create_args(template_id="tnew1234"), "--dry-run", "--json"
    )

    assert run.exit_code == 0, run.stderr
    plan = run.json()
    assert plan["ok"] is True
    [template] = [check for check in plan["checks"] if check["check"] == "template"]
    assert template["status"] == "ok"


def test_templates_are_taken_by_exact_name(pspace: Invoke, sandbox: Any) -> None:
    run = pspace(*create_args(template_id="prod-u22-cpu-241018"), "--yes")

    assert run.exit_code == 0, run.stderr
    [body] = [e["body"] for e in sandbox.request_log() if e["method"] == "POST"]
    assert body["templateId"] == "t0nspur5"


def test_dry_run_lists_each_check_and_fails_like_the_create_would(
    pspace: Invoke, sandbox: Any
) -> None:
    good = pspace(*create_args(), "--dry-run")
    assert good.exit_code == 0, good.stderr
    for name in ("name", "machine type", "region", "template", "disk size", "account"):
        assert f"ok       {name}" in good.stderr
    assert "would be created" in good.stderr

    bad = pspace(*create_args(machine_type="C55"), "--dry-run")
    assert bad.exit_code == 2
    assert "failed   machine type" in bad.stderr
    assert "would be refused" in bad.stderr
    assert writes(sandbox) == []


def test_dry_run_json_has_the_checks_in_the_plan(pspace: Invoke) -> None:
    run = pspace(*create_args(disk_size="60"), "--dry-run", "--json")

    assert run.exit_code == 2
    plan = run.json()
    assert plan["ok"] is False
    by_name = {check["check"]: check for check in plan["checks"]}
    assert by_name["disk size"]["status"] == "failed"
    assert by_name["disk size"]["fix"].startswith("use one of: 50, 100")
    assert by_name["machine type"]["status"] == "ok"
    assert plan["request"]["body"]["machineType"] == "C5"


def test_a_network_in_another_region_is_caught(pspace: Invoke, sandbox: Any) -> None:
    assert pspace("network", "create", "-n", "west", "-r", "CA1").exit_code == 0

    run = pspace(*create_args(network_id="west"), "--yes")

    assert run.exit_code == 2
    assert "Private network 'west'" in one_error_line(run.stderr)
    assert "is in CA1; the machine would be in NY2" in run.stderr
    assert ("POST", "/v1/machines") not in writes(sandbox)


def test_approval_needed_types_are_warned_about(pspace: Invoke) -> None:
    run = pspace(
        *create_args(machine_type="H100", template_id="tvimtol9", disk_size="100"), "--dry-run"
    )

    assert "warning  approval" in run.stderr
    assert "needs Paperspace's approval" in run.stderr


def test_an_account_not_in_good_standing_is_refused_before_the_price(
    pspace: Invoke, sandbox: Any
) -> None:
    from pspace_py.api.client import ApiClient
    from pspace_py.sandbox.transport import SandboxTransport

    transport = SandboxTransport(sandbox)
    with ApiClient("http://sandbox.test/v1", "sandbox-key", transport=transport) as c:
        c.post("http://sandbox.test/_sandbox/account-standing", {"isInGoodStanding": False})

    run = pspace(*create_args(), "--yes")

    assert run.exit_code == 5
    assert "not in good standing" in run.stderr
    assert "Price summary" not in run.stderr


# -- resize and update ---------------------------------------------------------------------------


def running(pspace: Invoke, name: str = "web-1") -> None:
    assert pspace(*create_args(name=name), "--wait", "--yes").exit_code == 0


def test_resize_across_groups_is_refused_before_the_machine_is_stopped(
    pspace: Invoke, sandbox: Any
) -> None:
    running(pspace)

    run = pspace("machine", "resize", "web-1", "--machine-type", "A4000", "--yes", "--stop")

    assert run.exit_code == 2
    assert "C5 (CPU) cannot become A4000 (GPU)" in one_error_line(run.stderr)
    assert pspace("machine", "get", "web-1", "--json").json()["state"] == "ready"
    assert not any(path.endswith("/stop") for _, path in writes(sandbox))


def test_resize_did_you_mean(pspace: Invoke) -> None:
    running(pspace)
    run = pspace("machine", "resize", "web-1", "--machine-type", "c66", "--stop", "--yes")
    assert run.exit_code == 2
    assert "Did you mean C6?" in run.stderr


def test_resize_of_a_running_machine_names_stop_and_its_real_id(pspace: Invoke) -> None:
    running(pspace)
    machine_id = pspace("machine", "get", "web-1", "--json").json()["id"]

    run = pspace("machine", "resize", "web-1", "--machine-type", "C6")

    assert run.exit_code == 5
    assert f"'pspace machine stop {machine_id} --wait'" in run.stderr
    assert "--stop" in run.stderr


def test_update_takes_a_network_by_name_in_the_machines_region(
    pspace: Invoke, sandbox: Any
) -> None:
    running(pspace)
    pspace("network", "create", "-n", "lab", "-r", "NY2")
    pspace("network", "create", "-n", "west", "-r", "CA1")

    wrong = pspace("machine", "update", "web-1", "--network-id", "west")
    assert wrong.exit_code == 2
    assert "is in CA1" in wrong.stderr

    right = pspace("machine", "update", "web-1", "--network-id", "lab", "--json")
    assert right.exit_code == 0, right.stderr
    networks = pspace("network", "list", "--json").json()["items"]
    [network] = [n for n in networks if n["name"] == "lab"]
    assert right.json()["data"]["networkId"] == network["id"]


def test_without_a_terminal_every_missing_option_is_named_in_one_line(
    pspace: Invoke, sandbox: Any
) -> None:
    run = pspace("machine", "create", "--name", "web-1", "--disk-size", "50")

    assert run.exit_code == 2
    line = one_error_line(run.stderr)
    assert "Missing options --machine-type, --template-id and --region." in line
    assert sandbox.request_log() == []


def test_with_ci_set_a_terminal_is_not_asked_either(
    pspace: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    run = pspace("machine", "create")
    assert run.exit_code == 2
    assert "Missing options --machine-type, --template-id, --disk-size, --name and --region" in (
        run.stderr
    )


def test_a_done_event_is_not_offered_to_follow_and_requested_is_not_done(
    pspace: Invoke,
) -> None:
    waited = pspace(*create_args(), "--yes", "--wait")
    assert "created and ready" in waited.stderr
    assert "): done." in waited.stderr
    assert "Follow it with" not in waited.stderr

    requested = pspace(*create_args(name="web-2"), "--yes")
    assert "web-2): create requested." in requested.stderr
    assert "Follow it with 'pspace machine-event get " in requested.stderr


def test_resize_says_requested_until_it_has_waited(pspace: Invoke) -> None:
    assert pspace(*create_args(), "--yes", "--no-start-on-create", "--wait").exit_code == 0

    requested = pspace("machine", "resize", "web-1", "--machine-type", "C6", "--yes")
    assert requested.exit_code == 0, requested.stderr
    assert "web-1): resize requested." in requested.stderr
    assert "resized." not in requested.stderr

    waited = pspace("machine", "resize", "web-1", "--disk-size", "100", "--yes", "--wait")
    assert waited.exit_code == 0, waited.stderr
    assert "web-1): resized." in waited.stderr


def test_a_static_ip_has_its_own_monthly_line_billed_until_released(pspace: Invoke) -> None:
    run = pspace(*create_args(public_ip_type="static"), "--dry-run", "--json")

    [line] = [line for line in run.json()["price"]["lines"] if line["part"] == "publicIp"]
    assert (line["accrues"], line["monthlyCap"]) == ("released", 3.0)
    assert run.json()["price"]["costWhileOff"] == 0.0119  # the disk and the static IP
    text = pspace(*create_args(public_ip_type="static"), "--dry-run").stderr
    assert "$3.00/mo  until released, after deactivation too" in text
