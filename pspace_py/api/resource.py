"""What every resource module shares: paths, list queries, ID quoting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pspace_py.api import pagination
from pspace_py.api.decode import JsonObject, Page, unwrap

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient


def segment(value: str) -> str:
    """A path segment: IDs are user input, so they are quoted, never trusted.

    ``/`` is quoted like everything else, and so are the dots of a ``.`` or ``..`` segment,
    which URL resolution would otherwise remove, taking the path up a level (``machine-event
    get ..`` would ask for ``/v1``).
    """
    quoted = quote(value, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def list_query(
    filters: Mapping[str, Any],
    *,
    limit: int | None = None,
    after: str | None = None,
    order_by: str | None = None,
    order: str | None = None,
) -> dict[str, Any]:
    query = {key: value for key, value in filters.items() if value is not None}
    query.update(
        {
            key: value
            for key, value in {
                "limit": limit,
                "after": after,
                "orderBy": order_by,
                "order": order,
            }.items()
            if value is not None
        }
    )
    return query


class ResourceApi:
    """Base for one resource's operations: ``path`` is its collection path."""

    path: str = ""
    noun: str = "resource"

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def item_path(self, resource_id: str, *suffix: str) -> str:
        return "/".join([self.path, segment(resource_id), *suffix])

    def page(self, query: Mapping[str, Any]) -> Page:
        return pagination.list_page(self.client, self.path, query)

    def iter(self, query: Mapping[str, Any], *, follow: bool = True) -> pagination.Walk:
        return pagination.iter_items(self.client, self.path, query, follow=follow)

    def get(self, resource_id: str) -> JsonObject:
        # The resource (a {data} wrapper is tolerated); JSON without an ID is refused in one
        # line rather than shown as blanks or failing later on a missing 'id'.
        return unwrap(self.client.get(self.item_path(resource_id)), self.noun).resource
