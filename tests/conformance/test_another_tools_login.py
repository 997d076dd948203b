"""A user who only ever logged in with the official CLI (or an older Paperspace tool) runs
`pspace machine list` with no `pspace login` and no variable set.

Their login is the files those tools wrote (tests/fixtures/official-cli, written by the official
CLI itself). Its key belongs to the default API, the only one pspace sends it to, so the
in-process sandbox stands in for the default API here (a served sandbox reached through
PAPERSPACE_API_URL never gets that key: tests/e2e/test_e2e_official_login.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conformance.conftest import Pspace
from tests.conformance.world import World

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official-cli"
NO_VARIABLES = {"PAPERSPACE_API_URL": None, "PAPERSPACE_API_KEY": None}


@pytest.mark.parametrize("login", ["logged-in", "legacy"])
def test_machine_list_with_only_another_tools_login(
    login: str, pspace: Pspace, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pspace_py import settings

    monkeypatch.setattr(settings, "DEFAULT_API_URL", "http://127.0.0.1:9/v1")
    stored = Path(os.environ["HOME"]) / ".paperspace"
    shutil.copytree(FIXTURES / login, stored)
    before = {path.name: path.read_bytes() for path in stored.iterdir()}

    run = pspace("machine", "list", env=NO_VARIABLES)

    assert run.exit_code == 0, run.describe()
    assert {"conf-box", "conf-off", "conf-gpu"} <= set(run.stdout.split())
    assert {path.name: path.read_bytes() for path in stored.iterdir()} == before
    assert not Path(os.environ["PSPACE_CONFIG_DIR"]).exists()  # pspace stored nothing
