"""The environment of a user's fresh shell for the packaging tests: no venv active, nothing of
pspace's settings, every user directory in a home of the test's own."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

Venv = Callable[..., Path]
USER_PIP_CACHE = str(Path("~/.cache/pip").expanduser())  # the user's, so installs reuse it


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """No venv active, nothing of pspace's settings, every user dir under `home`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PAPERSPACE_", "PSPACE_", "PYTEST_", "VIRTUAL_ENV"))
        and name not in ("CI", "PYTHONPATH")
    }
    venv_bin = str(Path(sys.executable).parent)
    path = [entry for entry in env.get("PATH", os.defpath).split(os.pathsep) if entry != venv_bin]
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PATH=os.pathsep.join(path),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
    )
    env.update(extra)
    return env
