"""``pspace machine``: one module per kind of work, all on one Typer group."""

from pspace_py.cli.machine import create, info, power, resize, ssh, wait  # noqa: F401
from pspace_py.cli.machine._app import app

__all__ = ["app"]
