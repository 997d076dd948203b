"""Start, stop, restart and deactivate that can be run again, and that wait out transitions.

CI clean-up steps run the same command whatever state the machines are in. Here the sandbox
keeps real (short) timings, so machines really are provisioning, starting or stopping when
the command runs; `--wait` polls fast (PSPACE_POLL_INTERVAL) and every wait has a deadline.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Invoke

CREATE = ["machine", "create", "--machine-type", "C4", "--template-id", "t0nspur5",
          "--region", "NY2", "--disk-size", "50", "--yes"]  # fmt: skip


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Transitions that take a moment (a second or less), so states can be caught midway."""
    from pspace_py.sandbox import Timing, create_app

    monkeypatch.setenv("PSPACE_POLL_INTERVAL", "0.05")
    monkeypatch.setenv("PSPACE_WAIT_TIMEOUT", "20")
    timing = Timing(
        provisioning=0.5,
        starting=0.3,
        stopping=0.3,
        restarting=0.3,
        upgrading=0.3,
        deactivating=0.3,
        snapshot=0.3,
        template=0.3,
        queued=0.05,
    )
    return create_app(timing=timing, seed=7)


def make(pspace: Invoke, name: str, *extra: str) -> str:
    run = pspace(*CREATE, "-n", name, "-q", *extra)
    assert run.exit_code == 0, run.stderr
    return run.stdout.strip()


def state_of(pspace: Invoke, ref: str) -> str:
    return str(pspace("machine", "get", ref, "--json").json()["state"])


@pytest.mark.slow
def test_stop_of_an_off_machine_is_ok_and_says_already_off(pspace: Invoke) -> None:
    machine_id = make(pspace, "ci-1", "--no-start-on-create", "--wait")

    run = pspace("machine", "stop", machine_id)

    assert run.exit_code == 0, run.stderr
    assert f"Machine {machine_id} (ci-1): already off." in run.stderr
    assert pspace("machine", "stop", machine_id, "--json").json()["data"]["state"] == "off"


@pytest.mark.slow
def test_start_of_a_running_machine_is_ok_and_says_already_running(pspace: Invoke) -> None:
    make(pspace, "ci-1", "--wait")

    run = pspace("machine", "start", "ci-1")

    assert run.exit_code == 0, run.stderr
    assert "already running" in run.stderr


@pytest.mark.slow
def test_xargs_stop_on_machines_in_every_state_exits_0(pspace: Invoke) -> None:
    off = make(pspace, "ci-off", "--no-start-on-create", "--wait")
    running = make(pspace, "ci-on", "--wait")
    provisioning = make(pspace, "ci-new")

    run = pspace("machine", "stop", off, running, provisioning, "--wait")

    assert run.exit_code == 0, run.stderr
    assert f"{off} (ci-off): already off" in run.stderr
    assert all(state_of(pspace, ref) == "off" for ref in (off, running, provisioning))


@pytest.mark.slow
def test_bulk_stop_all_by_glob_with_wait_is_repeatable_whatever_the_states(
    pspace: Invoke,
) -> None:
    make(pspace, "ci-off", "--no-start-on-create", "--wait")
    make(pspace, "ci-on", "--wait")
    make(pspace, "ci-new")  # still provisioning
    make(pspace, "keep", "--wait")
    stop_all = ("machine", "stop", "--all", "--name-glob", "ci-*", "--yes", "--wait", "--json")

    first = pspace(*stop_all)
    again = pspace(*stop_all)

    assert first.exit_code == 0, first.stderr
    assert again.exit_code == 0, again.stderr
    assert sorted(r["name"] for r in first.json()) == ["ci-new", "ci-off", "ci-on"]
    assert all(r["ok"] and r["data"]["state"] == "off" for r in first.json() + again.json())
    assert state_of(pspace, "keep") == "ready"


@pytest.mark.slow
def test_start_right_after_create_waits_for_provisioning_then_is_running(
    pspace: Invoke,
) -> None:
    machine_id = make(pspace, "ci-1")  # provisioning, heading for ready

    without_wait = pspace("machine", "start", machine_id)
    assert without_wait.exit_code == 5
    assert f"'pspace machine start {machine_id} --wait'" in without_wait.stderr

    with_wait = pspace("machine", "start", machine_id, "--wait", "--json")
    assert with_wait.exit_code == 0, with_wait.stderr
    assert with_wait.json()["data"]["state"] == "ready"


def test_start_while_a_start_is_pending_counts_as_starting(pspace_with: Any) -> None:
    """The real API refuses a start as soon as one is queued, while the list still says off."""
    import httpx

    machine = {"id": "psq1", "name": "q", "state": "off"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            return httpx.Response(
                400, json={"code": "BAD_REQUEST", "message": "This machine is currently starting."}
            )
        return httpx.Response(200, json=machine)

    run = pspace_with(answer, "--api-key", "k", "machine", "start", "psq1")

    assert run.exit_code == 0, run.stderr
    assert "already starting" in run.stderr


@pytest.mark.slow
def test_restart_of_an_off_machine_still_fails_and_a_bulk_failure_exits_9(
    pspace: Invoke,
) -> None:
    on = make(pspace, "a", "--wait")
    off = make(pspace, "b", "--no-start-on-create", "--wait")

    run = pspace("machine", "restart", on, off)

    assert run.exit_code == 9
    assert "1 of 2 machines failed to restart" in run.stderr
    assert f"'pspace machine restart {off} --wait'" in run.stderr


@pytest.mark.slow
def test_bulk_wait_shows_a_line_per_change_without_a_terminal(pspace: Invoke) -> None:
    a = make(pspace, "ci-a", "--wait")
    make(pspace, "ci-b", "--wait")

    run = pspace("machine", "stop", "--all", "--name-glob", "ci-*", "--yes", "--wait")

    assert run.exit_code == 0, run.stderr
    assert f"ci-a ({a}): stopping" in run.stderr
    assert f"ci-a ({a}): off" in run.stderr
    assert f"ok    {a} (ci-a): stop done" in run.stderr


# -- deactivate ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_deactivate_of_a_running_machine_names_stop_and_goes_ahead(pspace: Invoke) -> None:
    make(pspace, "web", "--wait")

    run = pspace("machine", "deactivate", "web", "--yes", "--wait")

    assert run.exit_code == 0, run.stderr
    assert "--stop stops them first" in run.stderr
    assert pspace("machine", "get", "web").exit_code == 4


@pytest.mark.slow
def test_deactivate_offers_stop_before_asking_for_the_name(
    pspace: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pspace_py.cli.prompts.can_prompt", lambda: True)
    make(pspace, "web", "--wait")

    run = pspace("machine", "deactivate", "web", "--wait", input="y\nweb\n")

    assert run.exit_code == 0, run.stderr
    offered = run.stderr.index("Stop before deactivating (--stop)?")
    assert offered < run.stderr.index("Type the machine's name")
    assert "stop" in [e["name"] for e in pspace("machine-event", "list", "--json").json()["items"]]


@pytest.mark.slow
def test_deactivate_names_a_static_ip_with_its_cost_and_releases_it_when_asked(
    pspace: Invoke,
) -> None:
    kept_id = make(pspace, "kept", "--public-ip-type", "static", "--no-start-on-create", "--wait")
    make(pspace, "gone", "--public-ip-type", "static", "--no-start-on-create", "--wait")
    ips = {i["assignedMachineId"]: i["ip"] for i in pspace("ip", "list", "--json").json()["items"]}
    assert len(ips) == 2

    kept = pspace("machine", "deactivate", "kept", "--yes", "--wait")
    assert kept.exit_code == 0, kept.stderr
    assert "stays claimed after deactivation and is billed $3.00/mo each until released" in (
        kept.stderr
    )
    assert "--release-ip" in kept.stderr

    gone = pspace("machine", "deactivate", "gone", "--yes", "--wait", "--release-ip")
    assert gone.exit_code == 0, gone.stderr
    left = [i["ip"] for i in pspace("ip", "list", "--json").json()["items"]]
    assert left == [ips[kept_id]]
