"""The one way a list command runs: paging and order flags, ``--all``, the next-page hint.

Every ``... list`` command builds a :class:`Paging` from its flags and hands it, with the
resource's API object and filters, to :func:`show_list`. Without ``--all`` one page is shown
and, when more exist, stderr says how to get the next one (the official CLI hides the cursor
in table mode); ``--json`` prints the API's envelope ``{hasMore, items, nextPage}``. Filters
the API cannot apply (``keep``) are checked on every page, so they never miss a match on a
later page. ``--orderBy`` (the official spelling) takes the fields the API orders that list by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal, NamedTuple

import typer

from pspace_py.api.decode import JsonObject
from pspace_py.api.resource import ResourceApi, list_query
from pspace_py.errors import UsageError
from pspace_py.output import Output
from pspace_py.output.columns import Column

ItemFilter = Callable[[JsonObject], bool]


class Paging(NamedTuple):
    """What the paging flags asked for."""

    limit: int | None = None
    after: str | None = None
    order: str | None = None  # "asc", "desc", or None for the API's default
    follow: bool = False  # --all
    order_by: str | None = None  # --orderBy; None for the list's own default

    def query(self, filters: Mapping[str, Any], *, default_order_by: str | None) -> dict[str, Any]:
        """The list query: the filters given (None left out) plus the paging parameters."""
        order_by = self.order_by or default_order_by
        return list_query(
            filters, limit=self.limit, after=self.after, order_by=order_by, order=self.order
        )


def paging(
    *,
    limit: int | None,
    after: str | None,
    asc: bool,
    desc: bool,
    follow: bool,
    order_by: str | None = None,
) -> Paging:
    """A :class:`Paging` from the ``--limit --after --asc --desc --all --orderBy`` flags."""
    if asc and desc:
        raise UsageError("--asc and --desc cannot be used together.")
    order = "asc" if asc else "desc" if desc else None
    return Paging(limit=limit, after=after, order=order, follow=follow, order_by=order_by)


def order_by_option(default: str) -> Any:
    """``--orderBy`` (the official spelling) / ``--order-by``; the fields are the annotation's
    ``Literal`` (the list operation's ``orderBy`` enum in the API's openapi)."""
    return typer.Option(
        "--orderBy",
        "--order-by",
        show_default=False,
        help=f"Order by this field [default: {default}]; --asc or --desc for the direction.",
    )


# The orders of the lists whose API orders by creation date alone, or also by name. One
# Literal for the pair: typing caches equal Literals whatever their order, so a second one
# spelled ["name", "dtCreated"] would change the choices shown on Python 3.10 only.
CreationOrName = Literal["dtCreated", "name"]
ByCreationOpt = Annotated[Literal["dtCreated"] | None, order_by_option("dtCreated")]
ByCreationOrNameOpt = Annotated[CreationOrName | None, order_by_option("dtCreated")]


def show_list(
    out: Output,
    api: ResourceApi,
    filters: Mapping[str, Any],
    page_flags: Paging,
    *,
    columns: Sequence[Column],
    empty_message: str,
    list_command: str,
    default_order_by: str | None = "dtCreated",
    keep: ItemFilter | None = None,
    key: str = "id",
) -> int:
    """Show a resource list in the output's mode; returns how many items were shown.

    ``keep`` filters items on the client (for filters the API lacks); when it is given every
    page is read, because a page of the API is no longer a page of results. Every page read
    leaves nothing more to fetch: ``hasMore`` false, ``nextPage`` null; a walk that fails part
    of the way still ends its JSON, with the cursor to go on from (docs/json.md).
    """
    query = page_flags.query(filters, default_order_by=default_order_by)
    items: Iterator[JsonObject]
    has_more, next_cursor = False, None
    resume: Callable[[], str | None] | None = None
    if page_flags.follow or keep is not None:
        walk = api.iter(query, follow=True)
        items, resume = walk, lambda: walk.resume_from
    else:
        page = api.page(query)
        items = iter(page.items)
        has_more, next_cursor = page.has_more, page.next_page
    if keep is not None:
        items = (item for item in items if keep(item))
    count = out.page(
        items,
        columns,
        has_more=has_more,
        next_page=next_cursor,
        empty_message=empty_message,
        key=key,
        resume=resume,
    )
    if has_more and next_cursor:
        out.info(
            f"More results exist: add '--after {next_cursor}' to '{list_command}' (keeping the "
            "other options) for the next page, or --all for every page."
        )
    return count


NameFilterOpt = Annotated[
    str | None, typer.Option("--name", "-n", help="Filter by name (the API matches part of it).")
]
