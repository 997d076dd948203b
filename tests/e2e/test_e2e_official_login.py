"""A user with only the official CLI's login runs the installed `pspace` with no `pspace login`.

The login files are the ones the official CLI wrote (tests/fixtures/official-cli). Their key is
a real key, for the real API: a served sandbox reached through PAPERSPACE_API_URL never gets
it (issue 16 item 6), while a key given for the run does. In-process, with the loopback URL
standing in for the default API, tests/cli/test_official_login.py shows the login is used.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.helpers import Run, ServedSandbox

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Pspace = Callable[..., Run]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official-cli"


def test_the_official_login_never_reaches_a_served_sandbox(
    pspace: Pspace, home: Path, sandbox: ServedSandbox
) -> None:
    directory = home / ".paperspace"
    shutil.copytree(FIXTURES / "logged-in", directory)
    before = {path.name: path.read_bytes() for path in directory.iterdir()}
    sandbox.reset()

    refused = pspace("machine", "list", "--json", api_key=None)
    assert refused.exit_code == 3, refused.describe()
    assert f"Not logged in to {sandbox.url}" in refused.error_line
    assert str(directory / "credentials.toml") in refused.error_line
    assert sandbox.requests() == []  # nothing was sent, so no key was either

    listed = pspace("machine", "list", "--json")  # with PAPERSPACE_API_KEY for the sandbox
    assert listed.exit_code == 0, listed.describe()
    assert {path.name: path.read_bytes() for path in directory.iterdir()} == before
    assert not (home / "config" / "config.toml").exists()  # pspace stored nothing of its own
