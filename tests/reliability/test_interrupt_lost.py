"""A signal whose handler raises where the interpreter cannot pass the exception on is not lost.

Seen on Python 3.10 under `-n 2`: a SIGTERM 95 ms into `pspace machine list` landed in a weakref
callback of the import system (``_get_module_lock.<locals>.cb``). The interpreter printed
"Exception ignored in ..." with a traceback of pspace's frames, dropped the interrupt, and the
command ran on to exit 0. Now such an interrupt is kept: nothing is printed for it, no request
is sent after it, and the run ends with its one line and exit code (130 or 143).

Deterministic: the handler pspace installs is called inside a weakref callback, exactly as the
interpreter calls it when the signal arrives there.
"""

from __future__ import annotations

import signal
import sys
import weakref
from collections.abc import Iterator

import httpx
import pytest

from pspace_py import interrupts
from pspace_py.cli import signals
from tests.reliability.helpers import assert_one_error_line, invoke
from tests.reliability.signal_support import SIGNALS


@pytest.fixture(autouse=True)
def handlers_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """pspace's signal handlers and unraisable hook, as the console script installs them."""
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    signals.raise_from_now_on()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        interrupts.forget()


class _Held:
    """Something a weakref callback watches."""


def lose_an_interrupt(signum: int) -> None:
    """The signal arrives while a weakref callback runs: its exception cannot propagate."""
    held = _Held()
    watcher = weakref.ref(held, lambda _: signals.on_signal(signum, None))
    del held  # the callback runs now; the interrupt it raises is "unraisable"
    assert watcher() is None


def machines_page(has_more: bool) -> httpx.Response:
    body = {"items": [], "hasMore": has_more, "nextPage": "page-2" if has_more else None}
    return httpx.Response(200, json=body)


@pytest.mark.parametrize("name", SIGNALS)
def test_a_lost_interrupt_prints_nothing_and_is_raised_again(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    signum, _, _ = SIGNALS[name]
    lose_an_interrupt(signum)

    assert capsys.readouterr().err == ""  # no "Exception ignored in ...", no traceback
    with pytest.raises(KeyboardInterrupt) as raised:
        interrupts.raise_if_lost()
    assert interrupts.describe(raised.value) == interrupts.describe(
        interrupts.Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    )
    interrupts.raise_if_lost()  # raised once: the next check passes


@pytest.mark.parametrize("name", SIGNALS)
def test_a_run_whose_interrupt_was_lost_ends_with_its_line_and_exit_code(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    signum, code, word = SIGNALS[name]
    monkeypatch.setenv("PAPERSPACE_API_KEY", "a-key-for-the-mock")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")

    def handler(request: httpx.Request) -> httpx.Response:
        lose_an_interrupt(signum)
        return machines_page(has_more=False)

    run = invoke(httpx.MockTransport(handler), "machine", "list")

    assert run.exit_code == code
    assert "Exception ignored" not in run.stderr
    assert assert_one_error_line(run).startswith(f"Error: {word}.")


@pytest.mark.parametrize("name", SIGNALS)
def test_no_request_is_sent_after_a_lost_interrupt(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    signum, code, word = SIGNALS[name]
    monkeypatch.setenv("PAPERSPACE_API_KEY", "a-key-for-the-mock")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        lose_an_interrupt(signum)
        return machines_page(has_more=True)  # --all would ask for the next page

    run = invoke(httpx.MockTransport(handler), "machine", "list", "--all")

    assert len(sent) == 1, sent
    assert run.exit_code == code
    assert assert_one_error_line(run).startswith(f"Error: {word}.")
