"""The retry matrix: every method class x every failure -> the exact number of attempts.

Attempts are read from the sandbox's request log (what reached the server), plus the
connections a refusing transport turned away before anything was sent. The rules under test
(pspace_py/api/retry.py): GET, PUT, PATCH and DELETE are retried on 429, 502, 503, 504 and
transport failures; a POST only when it provably was not processed (connection refused, 429,
503 with Retry-After); never more than `retries` + 1 attempts (3 + 1 by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pspace_py.api import errors
from pspace_py.api.client import ApiClient, AsyncResult
from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.transport import SandboxTransport
from tests.reliability.helpers import KEY, MACHINE, Cli, arm, attempts, sandbox_client

DEFAULT_ATTEMPTS = 4  # retries = 3


class Refusing(httpx.BaseTransport):
    """Refuses the first `times` connections (0 = all) before anything is sent, like a closed
    port; later requests go to the sandbox."""

    def __init__(self, inner: httpx.BaseTransport, times: int) -> None:
        self.inner = inner
        self.times = times
        self.refused = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.times == 0 or self.refused < self.times:
            self.refused += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return self.inner.handle_request(request)


# failure -> (fault rule items, or "refused"), retried for idempotent?, retried for POST?
FAILURES: dict[str, tuple[str, bool, bool]] = {
    "429": ("status=429", True, True),
    "500": ("status=500", False, False),
    "502": ("status=502", True, False),
    "503": ("status=503", True, False),
    "503+Retry-After": ("status=503,retry-after=2", True, True),
    "504": ("status=504", True, False),
    "connection refused": ("refused", True, True),
    # Longer than the client's 60 s read timeout; the transport's sleep is fake.
    "read timeout": ("latency=61000", True, False),
    "reset": ("reset", True, False),
}

Setup = Callable[[SandboxApp], str]
Call = Callable[[ApiClient, str], Any]


def _ready_machine(app: SandboxApp) -> str:
    with sandbox_client(app) as client:
        return str(MachinesApi(client).create(MACHINE).resource["id"])


def _off_machine(app: SandboxApp) -> str:
    machine_id = _ready_machine(app)
    with sandbox_client(app) as client:
        MachinesApi(client).stop(machine_id)
    return machine_id


def _nothing(app: SandboxApp) -> str:
    return ""


# method class -> (operationId, setup, call)
IDEMPOTENT: dict[str, tuple[str, Setup, Call]] = {
    "GET list": ("machines-list", _nothing, lambda c, _: c.list_page("machines")),
    "GET get": ("machines-get", _ready_machine, lambda c, i: MachinesApi(c).get(i)),
    "PUT update": (
        "machines-update",
        _ready_machine,
        lambda c, i: MachinesApi(c).update(i, {"name": "renamed"}),
    ),
    "PATCH start": ("machines-start", _off_machine, lambda c, i: MachinesApi(c).start(i)),
    "PATCH stop": ("machines-stop", _ready_machine, lambda c, i: MachinesApi(c).stop(i)),
    "PATCH restart": ("machines-restart", _ready_machine, lambda c, i: MachinesApi(c).restart(i)),
    "DELETE": ("machines-delete", _off_machine, lambda c, i: MachinesApi(c).delete(i)),
}


def client_with(app: SandboxApp, failure: str, operation: str, *, times: int) -> ApiClient:
    """A client whose `operation` calls fail `times` times (0 = always) with `failure`."""
    items, _, _ = FAILURES[failure]
    transport: httpx.BaseTransport = SandboxTransport(app, sleep=lambda _: None)
    if items == "refused":
        transport = Refusing(transport, times)
        arm(app)
    else:
        arm(app, f"{operation}:{items},times={times}")
    slept: list[float] = []
    client = ApiClient("http://sandbox.test/v1", KEY, transport=transport, sleep=slept.append)
    client.slept = slept  # type: ignore[attr-defined]
    return client


def attempt_count(app: SandboxApp, client: ApiClient, operation: str) -> int:
    transport = client._http._transport
    refused = transport.refused if isinstance(transport, Refusing) else 0
    return refused + len(attempts(app, operation))


@pytest.mark.slow
@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("method_class", list(IDEMPOTENT))
def test_idempotent_requests_under_a_failure_that_never_ends(
    sandbox: SandboxApp, method_class: str, failure: str
) -> None:
    operation, setup, call = IDEMPOTENT[method_class]
    target = setup(sandbox)
    _, retried, _ = FAILURES[failure]
    with client_with(sandbox, failure, operation, times=0) as client:
        with pytest.raises(errors.ApiError) as raised:
            call(client, target)
        expected = DEFAULT_ATTEMPTS if retried else 1
        assert attempt_count(sandbox, client, operation) == expected
        assert len(client.slept) == expected - 1  # type: ignore[attr-defined]
    # What the user is told is the failure itself, typed; never "ambiguous" for these.
    expected_type = {
        "429": errors.RateLimitedError,
        "connection refused": errors.ApiUnreachableError,
        "read timeout": errors.ApiUnreachableError,
        "reset": errors.ApiUnreachableError,
    }.get(failure, errors.ServerError)
    assert type(raised.value) is expected_type


# A timed-out start/stop/restart/delete did happen (the sandbox finished it), so its retry is
# answered 409/404: for those, "comes through" is not the expected outcome.
SAFE_TO_REPEAT = {"GET list", "GET get", "PUT update"}
COME_THROUGH = [
    (method_class, failure)
    for method_class in IDEMPOTENT
    for failure, (_, retried, _) in FAILURES.items()
    if retried and (failure != "read timeout" or method_class in SAFE_TO_REPEAT)
]


@pytest.mark.slow
@pytest.mark.parametrize(("method_class", "failure"), COME_THROUGH)
def test_idempotent_requests_come_through_two_failures(
    sandbox: SandboxApp, method_class: str, failure: str
) -> None:
    operation, setup, call = IDEMPOTENT[method_class]
    target = setup(sandbox)
    with client_with(sandbox, failure, operation, times=2) as client:
        call(client, target)
        assert attempt_count(sandbox, client, operation) == 3
        assert len(client.slept) == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("failure", list(FAILURES))
def test_create_is_retried_only_when_it_provably_was_not_processed(
    sandbox: SandboxApp, failure: str
) -> None:
    _, _, retried = FAILURES[failure]
    with client_with(sandbox, failure, "machines-create", times=0) as client:
        try:
            outcome: AsyncResult | errors.ApiError = MachinesApi(client).create(MACHINE)
        except errors.ApiError as error:
            outcome = error
        posts = attempt_count(sandbox, client, "machines-create")
    assert posts == (DEFAULT_ATTEMPTS if retried else 1)
    created = [m for m in _all_machines(sandbox) if m["name"] == MACHINE["name"]]
    if failure == "read timeout":
        # The sandbox finished the create after the client gave up: found by name, not re-sent.
        assert isinstance(outcome, AsyncResult)
        assert outcome.reconciled
        assert [m["id"] for m in created] == [outcome.resource["id"]]
    elif retried:
        assert isinstance(outcome, errors.ApiError)
        assert not isinstance(outcome, errors.AmbiguousResultError)
        assert created == []
    else:
        # Answered 5xx or dropped before the sandbox did anything: looked up, reported absent.
        # A dropped connection may mean the API is still working on it: no "safe to retry".
        assert isinstance(outcome, errors.AmbiguousResultError)
        # Nor after a 5xx: a gateway's error is when the backend may still be creating it.
        assert "may still be creating it" in str(outcome)
        assert "not created" not in str(outcome)
        assert created == []


@pytest.mark.parametrize("failure", [name for name, spec in FAILURES.items() if spec[2]])
def test_create_comes_through_two_not_processed_failures_once(
    sandbox: SandboxApp, failure: str
) -> None:
    with client_with(sandbox, failure, "machines-create", times=2) as client:
        result = MachinesApi(client).create(MACHINE)
        assert attempt_count(sandbox, client, "machines-create") == 3
    assert not result.reconciled
    assert [m["id"] for m in _all_machines(sandbox)] == [result.resource["id"]]


@pytest.mark.parametrize("retries", [0, 1, 2, 5, 10])
@pytest.mark.parametrize(
    ("operation", "rule", "call"),
    [
        ("machines-list", "status=503", lambda c: c.list_page("machines")),
        ("machines-create", "status=429", lambda c: MachinesApi(c).create(MACHINE)),
    ],
    ids=["GET 503", "POST 429"],
)
def test_attempts_never_exceed_the_configured_limit(
    sandbox: SandboxApp, retries: int, operation: str, rule: str, call: Callable[..., Any]
) -> None:
    arm(sandbox, f"{operation}:{rule},times=0")
    slept: list[float] = []
    with (
        sandbox_client(sandbox, retries=retries, sleep=slept.append) as client,
        pytest.raises(errors.ApiError),
    ):
        call(client)
    assert len(attempts(sandbox, operation)) == retries + 1
    assert len(slept) == retries


def _all_machines(app: SandboxApp) -> list[dict[str, Any]]:
    app.clear_faults()
    with sandbox_client(app) as client:
        return list(client.iter_items("machines"))


# -- the limit from flag, environment and profile ------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "env", "flags", "expected"),
    [
        (None, None, [], 4),
        ("1", None, [], 2),
        ("1", "2", [], 3),
        ("1", "2", ["--retries", "0"], 1),
        (None, None, ["--retries", "5"], 6),
        (None, "10", [], 11),
    ],
    ids=["default", "profile", "env beats profile", "flag beats env", "flag", "env max"],
)
def test_the_cli_takes_the_limit_from_flag_env_and_profile(
    cli: Cli,
    sandbox: SandboxApp,
    profile: str | None,
    env: str | None,
    flags: list[str],
    expected: int,
) -> None:
    if profile is not None:
        assert cli("config", "set", "retries", profile).exit_code == 0
    arm(sandbox, "machines-list:status=503,times=0")
    run = cli(*flags, "machine", "list", env={"PSPACE_RETRIES": env})
    assert run.exit_code == 6, run.stderr
    assert len(attempts(sandbox, "machines-list")) == expected
    assert len(run.sleeps) == expected - 1
    assert "HTTP 503" in run.stderr


def test_the_flag_works_after_the_command_too(cli: Cli, sandbox: SandboxApp) -> None:
    arm(sandbox, "machines-list:status=503,times=0")
    run = cli("machine", "list", "--retries", "1")
    assert run.exit_code == 6
    assert len(attempts(sandbox, "machines-list")) == 2


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--retries", "11"], None),
        (["--retries", "-1"], None),
        (["--retries", "many"], None),
        ([], "-1"),
        ([], "11"),
        ([], "three"),
    ],
)
def test_an_out_of_range_limit_is_a_usage_error_before_any_request(
    cli: Cli, sandbox: SandboxApp, args: list[str], env: str | None
) -> None:
    sandbox.clear_request_log()
    run = cli(*args, "machine", "list", env={"PSPACE_RETRIES": env})
    assert run.exit_code == 2, run.stderr
    assert sandbox.request_log() == []
    assert "Traceback" not in run.output
