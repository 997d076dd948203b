"""A signal that library code turns into an exception of its own is still the interruption.

Seen under load: a SIGINT that landed inside pydantic's schema build came out as
"Unexpected error: SchemaError", exit 1. Libraries catch KeyboardInterrupt where it lands
(pydantic, Click's prompts, ...) and raise something else; once a signal has been received,
whatever surfaces is reported as the interruption, with its exit code (130 or 143).

Deterministic: the signal handler pspace installs is called where the library code runs (in the
transport, during the request), exactly as the interpreter calls it when the signal arrives.
"""

from __future__ import annotations

import signal

import httpx
import pytest
import typer

from pspace_py.api.client import ApiClient
from pspace_py.cli import signals
from tests.reliability.helpers import assert_one_error_line, invoke
from tests.reliability.signal_support import SIGNALS


class SchemaError(Exception):
    """What a library raises of its own when KeyboardInterrupt lands inside it."""


def wrapping(signum: int, wrap: type[BaseException]) -> httpx.MockTransport:
    """A transport inside which the signal arrives, and the library wraps the interrupt."""

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            signals.on_signal(signum, None)  # the interpreter runs the handler here
        except KeyboardInterrupt as interrupt:
            raise wrap("the schema build was interrupted") from interrupt
        raise AssertionError("the handler did not raise")

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("wrap", [SchemaError, httpx.ConnectError, typer.Abort])
@pytest.mark.parametrize("name", SIGNALS)
def test_a_wrapped_interrupt_is_reported_as_the_interruption(
    name: str, wrap: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    signum, code, word = SIGNALS[name]
    monkeypatch.setenv("PAPERSPACE_API_KEY", "a-key-for-the-mock")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")

    run = invoke(wrapping(signum, wrap), "machine", "list")

    assert (run.exit_code, run.stdout) == (code, "")
    line = assert_one_error_line(run)
    assert line.startswith(f"Error: {word}."), run.stderr
    assert "Unexpected error" not in run.stderr
    assert "SchemaError" not in run.stderr


def test_without_a_signal_the_same_error_is_unexpected(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other side: an error no signal caused is reported as it is (exit 1), even right
    after an interrupted run in the same process."""
    monkeypatch.setenv("PAPERSPACE_API_KEY", "a-key-for-the-mock")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")
    interrupted = invoke(wrapping(signal.SIGINT, SchemaError), "machine", "list")
    assert interrupted.exit_code == 130

    def broken(request: httpx.Request) -> httpx.Response:
        raise SchemaError("a bug")

    run = invoke(httpx.MockTransport(broken), "machine", "list")

    assert run.exit_code == 1
    assert "Unexpected error: SchemaError: a bug" in assert_one_error_line(run)


def test_the_client_itself_never_swallows_the_interrupt() -> None:
    """Below the CLI, the interrupt the handler raised reaches the caller as it is."""
    with (
        ApiClient(
            "http://127.0.0.1:9/v1",
            "key",
            transport=httpx.MockTransport(lambda request: signals.on_signal(signal.SIGINT, None)),
            sleep=lambda _: None,
        ) as client,
        pytest.raises(KeyboardInterrupt),
    ):
        client.get("machines")
