"""SIGINT and SIGTERM are reported the same way, naming what may still be in progress
(issue 16 items 12, 13 and 14): the installed `pspace` in its own process, a served sandbox.

SIGTERM (what CI sends to cancel a job) exits 143 as Ctrl-C exits 130; a signal in the first
moments of start-up never shows a traceback; an interrupted bulk action says which machines
were done, which were in progress and which were never sent.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from pspace_py.api.machines import MachinesApi
from tests.reliability.helpers import (
    PSPACE,
    arm,
    sandbox_client,
    served_sandbox,
    spawn,
    subprocess_env,
    wait_until,
)
from tests.reliability.signal_support import (
    PROMPT_EXIT,
    SIGNALS,
    assert_interrupted,
    assert_untouched,
    interrupt,
    ready_machine,
)

pytestmark = pytest.mark.slow

# -- item 12: SIGTERM is Ctrl-C's twin: tests/reliability/test_sigint.py runs its create and
# retry-wait cases with both signals.


# -- item 13: no traceback, however early the signal comes ----------------------------------

# A frame of pspace's (or Typer's) code: past this point, an interrupt is pspace's to report.
OUR_FRAME = re.compile(r'File "[^"]*[/\\](pspace_py|typer)[/\\]')


@pytest.mark.parametrize("name", SIGNALS)
def test_a_signal_in_the_first_tenth_of_a_second_never_shows_a_traceback(
    isolated_env: Path, name: str
) -> None:
    signum, code, word = SIGNALS[name]
    env = {**os.environ, "PSPACE_SANDBOX": "1", "NO_COLOR": "1"}
    reported = 0
    # Every 5 ms from 0 to 150 ms after the process starts, then on (a busy machine starts
    # slowly) until ten signals were pspace's to report, or 600 ms.
    for step in range(121):
        if step > 30 and reported >= 10:
            break
        process = subprocess.Popen(
            [str(PSPACE), "machine", "list"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        time.sleep(step * 0.005)
        exit_code, _, stderr, _ = interrupt(process, signum)
        delay = f"{name} after {step * 5} ms"
        assert not OUR_FRAME.search(stderr), f"{delay}:\n{stderr}"
        if exit_code == code:
            assert_interrupted(stderr, word=word)
            reported += 1
        else:
            # Before pspace's first line runs (the interpreter starting, its site packages),
            # the interpreter's own default applies; pspace has said nothing.
            said = [line for line in stderr.splitlines() if line.startswith("Error:")]
            assert said == [], f"{delay}: exit {exit_code}\n{stderr}"
    assert reported >= 10  # the sweep reached pspace's own start-up, which reports the signal


# -- item 14: an interrupted bulk action says how far it got --------------------------------


@pytest.mark.parametrize("name", SIGNALS)
def test_an_interrupted_bulk_stop_says_what_was_done_in_progress_and_never_sent(
    config_file: tuple[Path, bytes, int],
    name: str,
) -> None:
    signum, code, word = SIGNALS[name]
    with served_sandbox(instant=True, seed=53) as served:
        ids = [str(ready_machine(served.app, name=f"bulk-{index}")["id"]) for index in range(5)]
        # Two stops answer at once; the next two are held; the fifth is never sent.
        arm(served.app, "machines-stop:latency=60000,after=2,times=0")
        process = spawn(
            ["machine", "stop", "--all", "--name-glob", "bulk-*", "--yes", "--parallel", "2"],
            subprocess_env(served.url),
        )
        try:
            wait_until(lambda: served.gate.count == 2, timeout=20)
            time.sleep(0.3)  # the two answered stops are counted as done by now
        finally:
            exit_code, stdout, stderr, took = interrupt(process, signum)
        with sandbox_client(served.app) as client:
            states = {
                machine_id: MachinesApi(client).get(machine_id)["state"] for machine_id in ids
            }
    assert exit_code == code
    assert took < PROMPT_EXIT
    assert stdout == ""
    line = assert_interrupted(stderr, word=word)
    groups = dict(
        re.findall(
            r"(\d+ (?:done|in progress \(may still change on the server\)|never sent)): ([^;.]+)",
            line,
        )
    )
    named = {label.split(" ", 1)[1]: set(text.split()) for label, text in groups.items()}
    assert sorted(groups) == [
        "1 never sent",
        "2 done",
        "2 in progress (may still change on the server)",
    ], line
    assert named["done"] == {machine_id for machine_id, state in states.items() if state == "off"}
    still_on = {machine_id for machine_id, state in states.items() if state != "off"}
    assert named["in progress (may still change on the server)"] | named["never sent"] == still_on
    assert "stop of 5 machines" in line
    assert "pspace machine get ID" in line
    assert_untouched(config_file)
