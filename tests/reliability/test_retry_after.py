"""Retry-After: seconds, an HTTP date, garbage, huge -> the waits a fake sleep records.

Honoured when it parses (clamped to the policy's cap, 20 s), ignored otherwise (the backoff
schedule applies instead, checked exactly with a seeded RNG).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pspace_py.api import retry
from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox.app import SandboxApp
from tests.reliability.helpers import MACHINE, Cli, arm, attempts, sandbox_client

CAP = retry.RetryPolicy().max_delay
SEED = 1234


def http_date(delta: timedelta) -> str:
    return format_datetime(datetime.now(timezone.utc) + delta, usegmt=True)


def first_backoff(seed: int = SEED) -> float:
    return retry.backoff_delay(1, retry.RetryPolicy(), random.Random(seed))


def waits_for(app: SandboxApp, retry_after: str, *, status: int = 503) -> list[float]:
    """The waits before the retry of one GET answered `status` + `Retry-After` once."""
    arm(app)
    # The compact form would split a date at its comma; the JSON form takes it whole.
    from pspace_py.sandbox import FaultRule

    app.add_fault(FaultRule(operation="machines-list", status=status, retry_after=retry_after))
    slept: list[float] = []
    with sandbox_client(app, sleep=slept.append, rng=random.Random(SEED)) as client:
        client.list_page("machines")
    assert len(attempts(app, "machines-list")) == 2
    return slept


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(("header", "expected"), [("0", 0.0), ("3", 3.0), ("19", 19.0)])
def test_seconds_are_honoured(
    sandbox: SandboxApp, status: int, header: str, expected: float
) -> None:
    assert waits_for(sandbox, header, status=status) == [expected]


def test_an_http_date_is_honoured(sandbox: SandboxApp) -> None:
    [wait] = waits_for(sandbox, http_date(timedelta(seconds=10)))
    # The date has whole seconds and a little time passes before it is read.
    assert 8.0 <= wait <= 10.0


def test_a_date_in_the_past_means_now(sandbox: SandboxApp) -> None:
    assert waits_for(sandbox, http_date(timedelta(hours=-1))) == [0.0]


@pytest.mark.parametrize(
    "header",
    [
        "soon",
        "1.5",
        "-5",
        "0x10",
        "",
        "Tue, 99 Foo 2020 99:99:99 GMT",
        "Wed, 21 Oct 2037",
        "3 seconds",
        "NaN",
        "inf",
    ],
)
def test_garbage_is_ignored_and_the_backoff_applies(sandbox: SandboxApp, header: str) -> None:
    assert waits_for(sandbox, header) == [first_backoff()]


@pytest.mark.parametrize(
    "header",
    [
        "999999",
        "9" * 40,
        "Wed, 21 Oct 2037 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ],
)
def test_a_huge_value_is_clamped_to_the_cap(sandbox: SandboxApp, header: str) -> None:
    assert waits_for(sandbox, header) == [CAP]


def test_a_create_waits_what_a_429_says_then_is_sent_again(sandbox: SandboxApp) -> None:
    arm(sandbox, "machines-create:status=429,retry-after=7,times=2")
    slept: list[float] = []
    with sandbox_client(sandbox, sleep=slept.append) as client:
        MachinesApi(client).create(MACHINE)
    assert slept == [7.0, 7.0]
    assert len(attempts(sandbox, "machines-create")) == 3


def test_the_cli_waits_what_the_api_says(cli: Cli, sandbox: SandboxApp) -> None:
    arm(sandbox, "machines-list:status=429,retry-after=2,times=1")
    run = cli("machine", "list")
    assert run.exit_code == 0, run.stderr
    assert run.sleeps == [2.0]


@pytest.mark.parametrize("header", ["²", "٣", "١٢", "Ⅻ"])
def test_non_ascii_digits_are_garbage_not_a_crash(header: str) -> None:
    # The sandbox cannot send these (WSGI headers are ASCII); httpx passes them on as latin-1.
    answers = iter(
        [
            httpx.Response(503, headers={"Retry-After": header.encode("utf-8")}),
            httpx.Response(200, json={"items": [], "hasMore": False, "nextPage": None}),
        ]
    )
    slept: list[float] = []
    client = ApiClient(
        "https://api.example.test/v1",
        "key-0123456789",
        transport=httpx.MockTransport(lambda _: next(answers)),
        sleep=slept.append,
        rng=random.Random(SEED),
    )
    with client:
        client.list_page("machines")
    assert slept == [first_backoff()]
    assert retry.parse_retry_after(header) is None


@given(st.text(max_size=60))
def test_parsing_any_header_never_raises(header: str) -> None:
    seconds = retry.parse_retry_after(header)
    assert seconds is None or 0.0 <= seconds < float("inf")


@given(st.integers(min_value=0, max_value=10**30))
def test_any_number_of_seconds_is_waited_up_to_the_cap(seconds: int) -> None:
    parsed = retry.parse_retry_after(str(seconds))
    assert parsed is not None
    error = type("E", (), {"retry_after": parsed})()
    delay = retry.delay_before_retry(1, error, retry.RetryPolicy(), random.Random(0))  # type: ignore[arg-type]
    assert delay == min(float(seconds), CAP)
