"""The package as a user installs it: a built wheel and sdist, installed into fresh venvs.

These tests need the artefacts `.ci/run` builds (`python -m build`), named by PSPACE_TEST_WHEEL
and PSPACE_TEST_SDIST; without them they are not collected, so `python -m pytest` stays fast
and offline. `.ci/run` builds both and runs `python -m pytest tests/packaging`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.environment import USER_PIP_CACHE, Venv, clean_env

WHEEL_ENV = "PSPACE_TEST_WHEEL"
SDIST_ENV = "PSPACE_TEST_SDIST"

collect_ignore_glob = [] if os.environ.get(WHEEL_ENV) else ["test_*.py"]


@pytest.fixture(scope="session")
def wheel() -> Path:
    path = Path(os.environ[WHEEL_ENV])
    assert path.is_file(), path
    assert path.suffix == ".whl", path
    return path


@pytest.fixture(scope="session")
def sdist() -> Path:
    path = Path(os.environ[SDIST_ENV])
    assert path.is_file(), path
    assert path.name.endswith(".tar.gz"), path
    return path


@pytest.fixture
def fresh_venv(tmp_path: Path) -> Venv:
    """`fresh_venv(*requirements)`: a new venv (this Python) with only those installed; its bin/."""

    def make(*requirements: str) -> Path:
        root = tmp_path / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=120)
        subprocess.run(
            [str(root / "bin" / "python"), "-m", "pip", "install", "-q", *requirements],
            check=True,
            timeout=600,
            env=clean_env(
                tmp_path / "pip-home",
                PIP_DISABLE_PIP_VERSION_CHECK="1",
                PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", USER_PIP_CACHE),
            ),
        )
        return root / "bin"

    return make
