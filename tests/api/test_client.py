"""The HTTP layer against httpx.MockTransport: requests on the wire, errors, pagination."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pspace_py.api import errors
from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that records requests and answers from a queue (last answer repeats)."""

    def __init__(self, *answers: httpx.Response | Handler | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None


def client_for(recorder: Recorder, *, retries: int = 3) -> ApiClient:
    return ApiClient(
        "https://api.example.test/v1",
        "secret-key-123",
        transport=httpx.MockTransport(recorder),
        retries=retries,
        sleep=lambda _: None,
    )


MACHINE = {"id": "psabc123", "name": "web", "state": "off"}
EVENT = {"id": "ev-1", "name": "start", "state": "new"}


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_every_request_carries_auth_user_agent_and_json_content_type() -> None:
    recorder = Recorder(ok(MACHINE))
    MachinesApi(client_for(recorder)).get("psabc123")
    request = recorder.requests[0]
    assert request.headers["authorization"] == "Bearer secret-key-123"
    assert request.headers["user-agent"].startswith("pspace-py/")
    assert str(request.url) == "https://api.example.test/v1/machines/psabc123"


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        (lambda api: api.start("psabc123"), "PATCH", "/v1/machines/psabc123/start"),
        (lambda api: api.stop("psabc123"), "PATCH", "/v1/machines/psabc123/stop"),
        (lambda api: api.restart("psabc123"), "PATCH", "/v1/machines/psabc123/restart"),
        (lambda api: api.delete("psabc123"), "DELETE", "/v1/machines/psabc123"),
    ],
)
def test_machine_actions_hit_the_contract_paths_and_unwrap_data_and_event(
    call: Callable[[MachinesApi], Any], method: str, path: str
) -> None:
    recorder = Recorder(ok({"data": MACHINE, "event": EVENT}))
    result = call(MachinesApi(client_for(recorder)))
    request = recorder.requests[0]
    assert (request.method, request.url.path) == (method, path)
    assert result.resource == MACHINE
    assert result.event == EVENT
    if method == "PATCH":
        assert recorder.body() == {}


def test_update_sends_false_zero_and_null_when_asked() -> None:
    recorder = Recorder(ok({"data": MACHINE}))
    body = {"autoShutdownEnabled": False, "autoSnapshotSaveCount": 0, "networkId": None}
    MachinesApi(client_for(recorder)).update("psabc123", body)
    assert recorder.requests[0].method == "PUT"
    assert recorder.body() == body


def test_create_posts_the_body_as_given() -> None:
    recorder = Recorder(ok({"data": MACHINE, "event": {**EVENT, "name": "create"}}))
    body = {"name": "web", "machineType": "C5", "emailPassword": False, "startOnCreate": False}
    result = MachinesApi(client_for(recorder)).create(body)
    assert recorder.requests[0].method == "POST"
    assert recorder.requests[0].url.path == "/v1/machines"
    assert recorder.body() == body
    assert result.reconciled is False


def test_list_query_keeps_false_and_zero_and_drops_none() -> None:
    recorder = Recorder(ok({"items": [], "hasMore": False, "nextPage": None}))
    client_for(recorder).list_page("machines", {"name": None, "limit": 0, "flag": False})
    assert dict(recorder.requests[0].url.params) == {"limit": "0", "flag": "false"}


def test_pagination_follows_next_page_lazily() -> None:
    pages = {
        None: {"items": [{"id": "a"}, {"id": "b"}], "hasMore": True, "nextPage": "c1"},
        "c1": {"items": [{"id": "c"}], "hasMore": True, "nextPage": "c2"},
        "c2": {"items": [{"id": "d"}], "hasMore": False, "nextPage": None},
    }
    recorder = Recorder(lambda request: ok(pages[request.url.params.get("after")]))
    items = client_for(recorder).iter_items("machines", {"limit": 2})
    assert next(items)["id"] == "a"
    assert len(recorder.requests) == 1  # nothing fetched ahead of need
    assert [item["id"] for item in items] == ["b", "c", "d"]
    assert [r.url.params.get("after") for r in recorder.requests] == [None, "c1", "c2"]


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (412, errors.ConflictError),
        (422, errors.BadRequestError),
        (429, errors.RateLimitedError),
        (500, errors.ServerError),
        (503, errors.ServerError),
    ],
)
def test_each_error_status_becomes_its_typed_error(status: int, error_type: type) -> None:
    recorder = Recorder(ok({"code": "SOME_CODE", "message": "It went wrong."}, status=status))
    with pytest.raises(error_type) as caught:
        client_for(recorder, retries=0).get("machines/x")
    assert caught.value.status == status
    assert caught.value.code == "SOME_CODE"
    assert caught.value.message == "It went wrong."


def test_an_error_shaped_body_on_200_is_an_error() -> None:
    recorder = Recorder(ok({"code": "NOT_FOUND", "message": "gone"}))
    with pytest.raises(errors.InvalidResponseError, match="gone"):
        client_for(recorder).get("machines/x")


HTML = {"content-type": "text/html"}
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            httpx.Response(
                502, text="<html>Bad gateway</html>", headers={"content-type": "text/html"}
            ),
            "HTTP 502",
        ),
        (
            httpx.Response(200, text='{"items": [', headers={"content-type": "application/json"}),
            "not JSON",
        ),
        (httpx.Response(200, text="hello", headers={"content-type": "text/plain"}), "not JSON"),
        (httpx.Response(200, content=b""), "not JSON"),
    ],
)
def test_untrusted_bodies_give_one_clear_error(response: httpx.Response, expected: str) -> None:
    recorder = Recorder(response)
    with pytest.raises(errors.ApiError) as caught:
        client_for(recorder, retries=0).get("machines/x")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_list_of_the_wrong_shape_is_refused() -> None:
    recorder = Recorder(ok({"machines": []}))
    with pytest.raises(errors.InvalidResponseError, match="list envelope"):
        client_for(recorder).list_page("machines")


def test_redirects_are_not_followed_so_the_key_stays_home() -> None:
    recorder = Recorder(httpx.Response(302, headers={"location": "https://evil.test/steal"}))
    with pytest.raises(errors.InvalidResponseError, match="not followed"):
        client_for(recorder).get("machines")
    assert len(recorder.requests) == 1
    assert all(r.url.host == "api.example.test" for r in recorder.requests)


def test_get_is_retried_on_503_then_succeeds() -> None:
    recorder = Recorder(ok({"code": "X", "message": "busy"}, 503), ok(MACHINE))
    assert MachinesApi(client_for(recorder)).get("psabc123") == MACHINE
    assert len(recorder.requests) == 2


def test_get_gives_up_after_the_attempt_limit() -> None:
    recorder = Recorder(ok({"code": "X", "message": "busy"}, 502))
    with pytest.raises(errors.ServerError):
        client_for(recorder, retries=2).get("machines/x")
    assert len(recorder.requests) == 3


def test_500_on_get_is_not_retried() -> None:
    recorder = Recorder(ok({"code": "INTERNAL_SERVER_ERROR", "message": "bug"}, 500))
    with pytest.raises(errors.ServerError):
        client_for(recorder).get("machines/x")
    assert len(recorder.requests) == 1


def test_create_is_retried_when_the_connection_was_never_made() -> None:
    recorder = Recorder(httpx.ConnectError("refused"), ok({"data": MACHINE, "event": EVENT}))
    result = MachinesApi(client_for(recorder)).create({"name": "web"})
    assert result.resource == MACHINE
    assert [r.method for r in recorder.requests] == ["POST", "POST"]


def test_ambiguous_create_is_reconciled_by_name_not_retried() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise httpx.ReadTimeout("no answer")
        return ok({"items": [MACHINE], "hasMore": False, "nextPage": None})

    recorder = Recorder(answer)
    result = MachinesApi(client_for(recorder)).create({"name": "web"})
    assert result.reconciled is True
    assert result.resource == MACHINE
    assert [r.method for r in recorder.requests] == ["POST", "GET"]
    assert recorder.requests[1].url.params["name"] == "web"


def test_ambiguous_create_with_nothing_found_says_so() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return ok({"code": "INTERNAL_SERVER_ERROR", "message": "oops"}, 502)
        return ok({"items": [], "hasMore": False, "nextPage": None})

    recorder = Recorder(answer)
    with pytest.raises(errors.AmbiguousResultError, match="may still be creating it"):
        MachinesApi(client_for(recorder)).create({"name": "web"})
    assert [r.method for r in recorder.requests] == ["POST", "GET"]


def test_retry_after_is_honoured_and_capped() -> None:
    slept: list[float] = []
    recorder = Recorder(
        ok({"code": "TOO_MANY_REQUESTS", "message": "slow down"}, 429, {"Retry-After": "3"}),
        ok({"code": "TOO_MANY_REQUESTS", "message": "slow down"}, 429, {"Retry-After": "99999"}),
        ok(MACHINE),
    )
    client = ApiClient(
        "https://api.example.test/v1",
        "k",
        transport=httpx.MockTransport(recorder),
        sleep=slept.append,
    )
    assert client.get("machines/x") == MACHINE
    assert slept[0] == 3.0
    assert slept[1] == client.retry_policy.max_delay


def test_errors_carry_the_request_id() -> None:
    recorder = Recorder(
        ok({"code": "CONFLICT", "message": "busy"}, 409, {"X-Request-Id": "req-42"})
    )
    with pytest.raises(errors.ConflictError) as caught:
        client_for(recorder).get("machines/x")
    assert caught.value.request_id == "req-42"


def test_a_stop_whose_answer_was_lost_is_not_reported_as_refused() -> None:
    # First try: the API stops the machine but the answer never arrives; the retry is
    # refused (409) because the machine is already stopping. That is success, not a refusal.
    recorder = Recorder(
        httpx.ReadError("connection reset"),
        ok({"code": "CONFLICT", "message": "already stopping"}, 409),
        ok({**MACHINE, "state": "stopping"}),
    )
    result = MachinesApi(client_for(recorder)).stop("psabc123")
    assert result.resource["state"] == "stopping"
    assert [r.method for r in recorder.requests] == ["PATCH", "PATCH", "GET"]


def test_a_plain_conflict_is_still_a_refusal() -> None:
    recorder = Recorder(ok({"code": "CONFLICT", "message": "machine is off"}, 409))
    with pytest.raises(errors.ConflictError):
        MachinesApi(client_for(recorder)).stop("psabc123")
    assert len(recorder.requests) == 1


def test_a_delete_whose_answer_was_lost_is_done_when_the_retry_finds_nothing() -> None:
    recorder = Recorder(
        httpx.ReadError("connection reset"), ok({"code": "NOT_FOUND", "message": "no"}, 404)
    )
    result = MachinesApi(client_for(recorder)).delete("psabc123")
    assert result.resource == {"id": "psabc123", "state": "gone"}
    assert len(recorder.requests) == 2
