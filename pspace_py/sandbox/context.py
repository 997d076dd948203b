"""What an operation handler gets: the parsed request, the state transaction (`tx`) and the
renderer, plus the parsing and rendering every handler shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.render import Renderer
from pspace_py.sandbox.state.lists import Listing
from pspace_py.sandbox.state.tx import Record, Tx

ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT = TypeVar("ItemT")


@dataclass
class Ctx:
    tx: Tx
    render: Renderer
    params: Mapping[str, str]  # from the path, e.g. {"id": "psabc123"}
    query: Mapping[str, str]
    body: Any  # the JSON document, None when there is none

    @property
    def now_ms(self) -> int:
        return self.tx.now_ms

    def parse(self, model: type[ModelT]) -> ModelT:
        body = {} if self.body is None else self.body
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            raise validation_error("request body", exc) from None

    def parse_query(self, model: type[ModelT]) -> ModelT:
        try:
            return model.model_validate(dict(self.query))
        except ValidationError as exc:
            raise validation_error("query", exc) from None

    def listed(
        self, listing: Listing[ItemT], render: Callable[[ItemT], dict[str, Any]]
    ) -> dict[str, Any]:
        """A list page as the API sends it."""
        return {
            "hasMore": listing.next_cursor is not None,
            "items": [render(item) for item in listing.items],
            "nextPage": listing.next_cursor,
        }

    def with_event(self, data: dict[str, Any], event: Record) -> dict[str, Any]:
        """The `{data, event}` answer of a call that started work, as at the call."""
        return {"data": data, "event": self.render.event(event, self.now_ms, at_call=True)}

    def machine_with_event(self, machine: Record, event: Record) -> dict[str, Any]:
        return self.with_event(self.render.machine(machine, self.now_ms, at_call=True), event)


def validation_error(where: str, exc: ValidationError) -> SandboxError:
    issues = [_issue_text(error) for error in exc.errors(include_url=False)]
    return bad_request(f"Invalid {where}: " + "; ".join(issues), issues=issues)


def _issue_text(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(body)"
    if error["type"] == "missing":
        return f"`{location}` is required"
    return f"`{location}`: {error['msg']}"
