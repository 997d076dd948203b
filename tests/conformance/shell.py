"""A user's shell for the conformance suites: the installed `pspace` in its own home, with the
served sandbox's URL and key exported, as after `export "$(head -n1 sandbox.env)"`."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from tests.conformance.world import SANDBOX_KEY, World
from tests.e2e.helpers import ServedSandbox, pspace_env, run_pspace
from tests.run import Run


class Lines:
    """Command lines as a user types them: `pspace ...` directly, anything else by bash."""

    def __init__(self, served: ServedSandbox, home: Path, world: World) -> None:
        self.served = served
        self.home = home
        self.world = world

    def typed(self, line: str, ids: Mapping[str, str] = MappingProxyType({})) -> str:
        """`line` with each example in `ids` replaced, then `{machine}`... and `{tmp}` (this
        user's home) filled in; a shell prompt `$ ` is dropped."""
        for example, replacement in ids.items():
            line = line.replace(example, replacement)
        return line.removeprefix("$ ").format(**self.world.values(), tmp=self.home)

    def pspace(self, *args: str) -> Run:
        """`pspace ARGS...` typed at this user's shell."""
        return self.run(shlex.join(["pspace", *args]))

    def run(self, text: str, *, key: bool = True) -> Run:
        env = pspace_env(self.home, self.served.url, api_key=SANDBOX_KEY if key else None)
        if not text.startswith("pspace ") or any(c in text for c in "<>|"):
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", text],
                env=env,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            return Run(done.returncode, done.stdout, done.stderr)
        return run_pspace(*shlex.split(text)[1:], env=env, cwd=self.home)
