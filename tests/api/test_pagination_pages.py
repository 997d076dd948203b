"""Walking every page: the largest pages unless told otherwise, fetched only as needed."""

from __future__ import annotations

import threading

import httpx
import pytest

from pspace_py.api import errors
from pspace_py.api.client import ApiClient
from pspace_py.api.pagination import MAX_PAGE_SIZE

PAGES = 5
PER_PAGE = 3


class Pages:
    """A MockTransport for a list of PAGES pages; one page can be made to fail."""

    def __init__(self, failing_page: int | None = None) -> None:
        self.failing_page = failing_page
        self.queries: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        with self.lock:
            self.queries.append(query)
        number = int(query.get("after", "p0")[1:]) + 1
        if number == self.failing_page:
            return httpx.Response(404, json={"message": "gone", "code": "NOT_FOUND"})
        items = [{"id": f"{number}-{index}"} for index in range(PER_PAGE)]
        more = number < PAGES
        return httpx.Response(
            200, json={"items": items, "hasMore": more, "nextPage": f"p{number}" if more else None}
        )


def client_for(pages: Pages) -> ApiClient:
    return ApiClient(
        "https://api.example.test/v1",
        "key",
        transport=httpx.MockTransport(pages),
        retries=0,
        sleep=lambda _: None,
    )


def expected_ids(pages: int = PAGES) -> list[str]:
    return [f"{page}-{index}" for page in range(1, pages + 1) for index in range(PER_PAGE)]


def test_every_page_in_order_once_with_the_largest_page_size() -> None:
    pages = Pages()
    items = [item["id"] for item in client_for(pages).iter_items("machines", {"order": "asc"})]

    assert items == expected_ids()
    assert [query.get("after") for query in pages.queries] == [None, "p1", "p2", "p3", "p4"]
    assert all(query["limit"] == str(MAX_PAGE_SIZE) for query in pages.queries)
    assert all(query["order"] == "asc" for query in pages.queries)


def test_a_given_page_size_is_kept() -> None:
    pages = Pages()
    list(client_for(pages).iter_items("machines", {"limit": 2}))
    assert {query["limit"] for query in pages.queries} == {"2"}


def test_one_page_only_sends_no_limit_and_reads_nothing_ahead() -> None:
    pages = Pages()
    items = list(client_for(pages).iter_items("machines", {}, follow=False))
    assert len(items) == PER_PAGE
    assert pages.queries == [{}]


def test_pages_are_fetched_only_as_needed() -> None:
    pages = Pages()
    walk = client_for(pages).iter_items("machines")
    first_two = [next(walk)["id"] for _ in range(2 * PER_PAGE)]
    assert first_two == expected_ids(2)
    assert len(pages.queries) == 2
    walk.close()
    assert len(pages.queries) == 2


def test_an_error_on_a_later_page_comes_after_the_items_before_it() -> None:
    pages = Pages(failing_page=4)
    seen: list[str] = []

    def walk() -> None:
        for item in client_for(pages).iter_items("machines"):
            seen.append(item["id"])

    with pytest.raises(errors.NotFoundError):
        walk()
    assert seen == expected_ids(3)
