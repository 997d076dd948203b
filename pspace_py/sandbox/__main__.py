"""`python -m pspace_py.sandbox`: serve the sandbox (the flags of `pspace sandbox serve`)."""

from __future__ import annotations

from pspace_py.sandbox.command import main

raise SystemExit(main())
