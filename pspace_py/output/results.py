"""What an action on many items did to each: one object per item for scripts, a row for people
(``Output.bulk`` shows them; docs/json.md has the shape)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pspace_py.output.columns import Column

BULK_RESULT = [
    Column("ID", "id"),
    Column("NAME", "name"),
    Column("RESULT", "result"),
    Column("STATE", "state"),
]


@dataclass(frozen=True)
class ItemResult:
    """What an action on many items (``machine stop --all``) did to one of them."""

    id: Any
    name: Any
    ok: bool
    state: Any = None  # the table's STATE: as the API answered, or as it was when it failed
    data: Any = None  # the resource the API answered with
    event: Any = None
    error: str | None = None  # what went wrong, in one line
    exit_code: int = 0  # what the error alone would have exited with

    def to_json(self) -> dict[str, Any]:
        error = None if self.ok else {"message": self.error, "exitCode": self.exit_code}
        return {
            "id": self.id,
            "name": self.name,
            "ok": self.ok,
            "error": error,
            "data": self.data,
            "event": self.event,
        }

    def row(self) -> dict[str, Any]:
        result = "ok" if self.ok else "failed"
        return {"id": self.id, "name": self.name, "result": result, "state": self.state}
