"""``pspace machine``: one module per kind of work; a command's module is imported when used."""

from pspace_py.cli.machine._app import app

__all__ = ["app"]
