"""`create_app()`: one sandbox application, its state, clock, timing, IDs and faults.

Here rather than in the package's `__init__` so that the modules that build apps (`server.py`,
`harness.py`) do not import the package that imports them. Importing it is cheap: the WSGI
stack is loaded by the call.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pspace_py.sandbox.clock import Clock, SystemClock
from pspace_py.sandbox.faults import FaultRule
from pspace_py.sandbox.lifecycle import Timing

if TYPE_CHECKING:
    from pspace_py.sandbox.app import SandboxApp


def create_app(
    *,
    state_path: str | os.PathLike[str] | None = None,
    api_keys: Sequence[str] = (),
    instant: bool = False,
    timing: Timing | None = None,
    clock: Clock | None = None,
    seed: int | None = None,
    faults: Sequence[FaultRule] = (),
) -> SandboxApp:
    """A sandbox WSGI app.

    state_path: SQLite file (None = in memory). api_keys: keys accepted besides `sandbox-key`,
    each its own team. instant / timing: how long transitions take (`timing` wins; instant =
    every step 0 s). clock: defaults to the wall clock plus the offset stored in the state file.
    seed: makes generated IDs deterministic. faults: rules armed from the start.
    Raises SandboxStateError when the file is not a state file this version can read.
    """
    from pspace_py.catalog import load_catalog
    from pspace_py.sandbox.app import SandboxApp
    from pspace_py.sandbox.ids import IdGenerator
    from pspace_py.sandbox.instance import load_clock_offset
    from pspace_py.sandbox.state.tx import Runtime
    from pspace_py.sandbox.store import Store

    store = Store(state_path)
    try:
        runtime = Runtime(
            catalog=load_catalog(None),
            timing=timing or (Timing.instant() if instant else Timing()),
            ids=IdGenerator(seed),
        )
        return SandboxApp(
            store=store,
            clock=clock if clock is not None else SystemClock(load_clock_offset(store)),
            runtime=runtime,
            api_keys=api_keys,
            faults=faults,
        )
    except BaseException:
        store.close()
        raise
