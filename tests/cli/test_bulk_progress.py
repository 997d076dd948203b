"""A bulk --wait on a terminal draws a live table of every machine (run in a real pty)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.helpers import base_env

pexpect = pytest.importorskip("pexpect")

PSPACE = str(Path(sys.executable).parent / "pspace")


@pytest.mark.slow
def test_bulk_stop_wait_shows_each_machines_state_in_a_live_table(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    env.update(PSPACE_POLL_INTERVAL="0.2", TERM="xterm")
    ids = []
    for name in ("ci-a", "ci-b"):
        made = subprocess.run(
            [PSPACE, "--sandbox", "machine", "create", "-n", name, "--machine-type", "C4",
             "--template-id", "t0nspur5", "--region", "NY2", "--disk-size", "50", "-q"],
            env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
            check=True,
        )  # fmt: skip
        ids.append(made.stdout.strip())
    child = pexpect.spawn(
        PSPACE,
        ["--sandbox", "machine", "stop", "--all", "--name-glob", "ci-*", "--yes", "--wait"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 110),
    )
    seen = io.StringIO()
    child.logfile_read = seen
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.getvalue())
    assert re.search(r"MACHINE\s+ID\s+STATE\s+EVENT\s+TIME\s+RESULT", screen)
    for machine_id in ids:  # a row while it goes on, and the same row when it is done
        assert re.search(rf"ci-\w\s+{machine_id}\s+(provisioning|stopping)", screen)
        assert re.search(rf"ci-\w\s+{machine_id}\s+off\s+done\s+\d+s\s+stop done", screen)
