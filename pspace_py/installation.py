"""How this copy of pspace-py was installed, and the command that upgrades it.

Read from the interpreter's prefix (pipx and ``uv tool`` keep one environment per tool under
their own directories) and from the package's own install metadata: ``INSTALLER`` (written by
pip and uv) and ``direct_url.json`` (PEP 610: an editable install of a source checkout).
Nothing here runs anything.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path, PurePath
from typing import NamedTuple
from urllib.parse import urlparse

DISTRIBUTION = "pspace-py"


class Installation(NamedTuple):
    installer: str  # "pipx", "uv tool", "uv", "pip", or "source" (an editable checkout)
    command: list[str] | None  # what upgrades it; None for a source checkout
    location: str  # the environment, or the checkout
    editable: bool


def detect(
    *, prefix: str, executable: str, installer: str | None, direct_url: str | None
) -> Installation:
    checkout = _editable_checkout(direct_url)
    if checkout is not None:
        return Installation("source", None, checkout, True)
    parts = [part.casefold() for part in PurePath(prefix).parts]
    if _follows(parts, "pipx", "venvs"):
        return Installation("pipx", ["pipx", "upgrade", DISTRIBUTION], prefix, False)
    if _follows(parts, "uv", "tools"):
        return Installation("uv tool", ["uv", "tool", "upgrade", DISTRIBUTION], prefix, False)
    if (installer or "").strip() == "uv":
        command = ["uv", "pip", "install", "--upgrade", "--python", executable, DISTRIBUTION]
        return Installation("uv", command, prefix, False)
    command = [executable, "-m", "pip", "install", "--upgrade", DISTRIBUTION]
    return Installation("pip", command, prefix, False)


def current() -> Installation:
    """This interpreter's installation of pspace-py."""
    from importlib import metadata

    # A checkout's own `*.egg-info` may also be on the path; the installed record is the one
    # with install metadata (INSTALLER, direct_url.json).
    found = list(metadata.distributions(name=DISTRIBUTION))
    installed = [d for d in found if d.read_text("INSTALLER") or d.read_text("direct_url.json")]
    if not installed:  # run from a checkout that was never installed
        return Installation("source", None, str(Path(__file__).resolve().parents[1]), True)
    dist = installed[0]
    return detect(
        prefix=sys.prefix,
        executable=sys.executable,
        installer=dist.read_text("INSTALLER"),
        direct_url=dist.read_text("direct_url.json"),
    )


def _follows(parts: list[str], first: str, second: str) -> bool:
    return any(pair == (first, second) for pair in itertools.pairwise(parts))


def _editable_checkout(direct_url: str | None) -> str | None:
    """The checkout's directory when ``direct_url.json`` says the install is editable."""
    if not direct_url:
        return None
    try:
        info = json.loads(direct_url)
    except ValueError:
        return None
    if not isinstance(info, dict) or not (info.get("dir_info") or {}).get("editable"):
        return None
    url = urlparse(str(info.get("url", "")))
    if url.scheme != "file":
        return str(info.get("url"))
    from urllib.request import url2pathname

    return url2pathname(url.path)
