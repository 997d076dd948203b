"""`python -m pspace_py.sandbox`: serve the sandbox (same flags as `pspace sandbox serve`)."""

from __future__ import annotations

from pspace_py.sandbox.server import main

raise SystemExit(main())
