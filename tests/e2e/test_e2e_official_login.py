"""A user with only the official CLI's login runs the installed `pspace` with no `pspace login`.

The login files are the ones the official CLI wrote (tests/fixtures/official-cli); the sandbox
is served on loopback and reached as a real API would be, through PAPERSPACE_API_URL.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.helpers import Result

pytestmark = pytest.mark.e2e

Pspace = Callable[..., Result]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official-cli"


def test_machine_list_with_only_the_official_clis_login(pspace: Pspace, home: Path) -> None:
    directory = home / ".paperspace"
    shutil.copytree(FIXTURES / "logged-in", directory)
    before = {path.name: path.read_bytes() for path in directory.iterdir()}

    created = pspace(
        "machine", "create", "--name", "from-official-login", "--machine-type", "C5",
        "--template-id", "t0nspur5", "--region", "NY2", "--disk-size", "50", "--json",
        api_key=None,
    )  # fmt: skip
    assert created.code == 0, created.describe()
    listed = pspace("machine", "list", "--json", api_key=None)
    assert listed.code == 0, listed.describe()
    assert [item["name"] for item in listed.json()["items"]] == ["from-official-login"]

    who = pspace("whoami", "--json", api_key=None)
    assert who.json()["keySource"] == f"{directory / 'credentials.toml'} (team sandbox)"
    assert {path.name: path.read_bytes() for path in directory.iterdir()} == before
    assert not (home / "config" / "config.toml").exists()  # pspace stored nothing of its own
