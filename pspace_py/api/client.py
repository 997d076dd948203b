"""The one HTTP client: base URL, auth, timeouts, retries, errors, pagination.

Everything that talks to the API goes through :class:`ApiClient`. It owns one
``httpx.Client`` (keep-alive, one connection pool per process), never follows
redirects (so the key only ever goes to the configured host), turns every
failure into a typed :mod:`pspace_py.api.errors` exception, and logs requests
to the ``pspace_py.http`` logger with secrets masked.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pspace_py import __version__
from pspace_py.api import retry as retry_rules
from pspace_py.api.errors import (
    AmbiguousResultError,
    ApiError,
    ApiUnreachableError,
    InvalidResponseError,
    RateLimitedError,
    ServerError,
    error_class_for_status,
)
from pspace_py.redact import excerpt, redact, redact_header, register_secret

if TYPE_CHECKING:
    # httpx costs ~45 ms to import: only code paths that send a request pay for it,
    # so `pspace machine list --help` never does (tests/test_import_guard.py).
    import httpx

log = logging.getLogger("pspace_py.http")

USER_AGENT = f"pspace-py/{__version__}"
CONNECT_TIMEOUT = 10.0
# The API's largest page: what a walk over every page asks for unless told otherwise.
MAX_PAGE_SIZE = 120
_LOGGED_BODY_LIMIT = 2000
# How much of a body is read for the debug log: redacted first, then cut to the limit.
_LOGGED_BODY_WINDOW = 64 * 1024
_ERROR_TEXT_LIMIT = 200
# A server's error message, and each of its issues, as shown: one line, at most this long.
_MESSAGE_LIMIT = 300
_ISSUES_SHOWN = 5
# Control characters a debug line must not pass to the terminal (newline and tab are fine).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Page:
    items: list[JsonObject]
    has_more: bool
    next_page: str | None


@dataclass(frozen=True)
class AsyncResult:
    """A ``{data, event}`` answer: the resource now, and the event to follow."""

    resource: JsonObject
    event: JsonObject | None
    # True when the call's outcome was unknown and the resource was found afterwards.
    reconciled: bool = False


class ApiClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        import httpx

        register_secret(api_key)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry_policy = retry_rules.RetryPolicy(retries=retries)
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "x-client": "pspace-py",
            "x-client-version": __version__,
        }
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        verify: Any = True
        if transport is None and self.base_url.lower().startswith("http://"):
            # A plain-HTTP base URL (the sandbox, loopback) never needs TLS: redirects are
            # not followed and every path is relative to it. So skip loading the CA bundle
            # (~40 ms a run); the empty context trusts nothing, so any TLS fails closed.
            import ssl

            verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            follow_redirects=False,
            transport=transport,
            verify=verify,
        )

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        return self.request("POST", path, body=body)

    def put(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        return self.request("PUT", path, body=body)

    def patch(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        return self.request("PATCH", path, body=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one request, with the retry rules of :mod:`pspace_py.api.retry`.

        ``params`` values of None are left out; every other value is sent,
        ``False`` and ``0`` included. ``body`` is sent as given (None values
        are sent as JSON null: the caller decides what goes in it).
        """
        method = method.upper()
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        try:
            try:
                return self._send_once(method, path, query, body)
            except ApiError as error:
                # The happy path never imports tenacity; only a failure pays for it.
                if self.retry_policy.retries == 0 or not retry_rules.is_retryable(error, method):
                    raise
                try:
                    return self._retry(method, path, query, body, error)
                except ApiError as later:
                    # An earlier try may have done the work before its answer was lost; a
                    # 409 or 404 now can mean "already done" (see MachinesApi).
                    later.after_lost_answer = retry_rules.is_ambiguous(error)
                    raise
        except ApiError as error:
            if method not in retry_rules.IDEMPOTENT_METHODS and retry_rules.is_ambiguous(error):
                raise AmbiguousResultError(
                    f"{method} {path} failed and may or may not have taken effect: {error}",
                    cause=error,
                    status=error.status,
                    code=error.code,
                    method=method,
                    path=path,
                ) from error
            raise

    def _retry(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Mapping[str, Any] | None,
        first_error: ApiError,
    ) -> Any:
        import tenacity

        first_delay = retry_rules.delay_before_retry(1, first_error, self.retry_policy, self._rng)
        log.info("retrying after %.2fs (attempt 1 failed: %s)", first_delay, first_error)
        self._sleep(first_delay)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry_policy.retries),
            wait=self._wait_before_retry,
            retry=tenacity.retry_if_exception(lambda e: retry_rules.is_retryable(e, method)),
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                return self._send_once(method, path, query, body)
        raise AssertionError("tenacity either returns or raises")  # pragma: no cover

    def _wait_before_retry(self, state: Any) -> float:
        error = state.outcome.exception() if state.outcome else None
        # tenacity counts from the first retry; the first try happened before it.
        return retry_rules.delay_before_retry(
            state.attempt_number + 1, error, self.retry_policy, self._rng
        )

    def _log_retry(self, state: Any) -> None:
        error = state.outcome.exception() if state.outcome else None
        delay = state.next_action.sleep if state.next_action else 0
        attempt = state.attempt_number + 1
        log.info("retrying after %.2fs (attempt %d failed: %s)", delay, attempt, error)

    def _send_once(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Mapping[str, Any] | None,
    ) -> Any:
        import httpx  # already loaded by __init__; here for the exception classes

        relative = path.lstrip("/")
        content = None
        headers = {}
        if body is not None or method in {"POST", "PUT", "PATCH"}:
            content = json.dumps(body if body is not None else {}).encode()
            headers["Content-Type"] = "application/json"
        request = self._http.build_request(
            method, relative, params=query or None, content=content, headers=headers
        )
        self._log_request(request, content)
        started = time.monotonic()
        try:
            response = self._http.send(request)
        except httpx.ConnectError as error:
            raise ApiUnreachableError(
                f"Cannot connect to {request.url.host}: {_describe(error)}.",
                not_sent=True,
                method=method,
                path=path,
            ) from None
        except httpx.ConnectTimeout:
            raise ApiUnreachableError(
                f"Timed out connecting to {request.url.host}.",
                not_sent=True,
                method=method,
                path=path,
            ) from None
        except httpx.TimeoutException:
            raise ApiUnreachableError(
                f"The API did not answer {method} {path} within {self.timeout:g}s "
                "(--http-timeout).",
                method=method,
                path=path,
            ) from None
        except httpx.TransportError as error:
            raise ApiUnreachableError(
                f"Connection to {request.url.host} failed during {method} {path}: "
                f"{_describe(error)}.",
                method=method,
                path=path,
            ) from None
        elapsed_ms = (time.monotonic() - started) * 1000
        self._log_response(response, elapsed_ms)
        return _decode(response, method, path)

    # -- pagination ------------------------------------------------------------

    def list_page(self, path: str, params: Mapping[str, Any] | None = None) -> Page:
        body = self.get(path, params)
        return parse_page(body, path)

    def iter_items(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        follow: bool = True,
    ) -> Iterator[JsonObject]:
        """Yield the items of a list operation, fetching pages only as needed.

        With ``follow`` the generator walks ``nextPage`` until ``hasMore`` is
        false, asking for the largest pages unless ``params`` sets ``limit``
        (fewer round trips: 84 instead of 500 for 10,000 machines); otherwise it
        yields the first page only. Pages are not kept.

        Pages are not read ahead on a thread: measured (bench/run.py), the GIL
        hand-offs cost more than the overlap with the caller's work saves.
        """
        query = dict(params or {})
        if follow and query.get("limit") is None:
            query["limit"] = MAX_PAGE_SIZE
        while True:
            page = self.list_page(path, query)
            yield from page.items
            if not follow or not page.has_more or not page.next_page:
                return
            query["after"] = page.next_page

    # -- debug logging ---------------------------------------------------------

    def _log_request(self, request: httpx.Request, content: bytes | None) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        log.debug("> %s %s", request.method, _printable(redact(str(request.url))))
        _log_headers(">", request.headers)
        if content:
            log.debug("> %s", _body_excerpt(content))

    def _log_response(self, response: httpx.Response, elapsed_ms: float) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        reason = _printable(redact(response.reason_phrase))
        log.debug("< %s %s (%.0f ms)", response.status_code, reason, elapsed_ms)
        _log_headers("<", response.headers)
        if response.content:
            log.debug("< %s", _body_excerpt(response.content))


def _log_headers(direction: str, headers: httpx.Headers) -> None:
    """Headers as sent or received (their own spelling), credentials masked."""
    for raw_name, raw_value in headers.raw:
        name = raw_name.decode("latin-1")
        value = redact_header(name, raw_value.decode("latin-1"))
        log.debug("%s %s: %s", direction, _printable(name), _printable(value))


def _body_excerpt(content: bytes) -> str:
    text = content[:_LOGGED_BODY_WINDOW].decode(errors="replace")
    return _printable(excerpt(text, _LOGGED_BODY_LIMIT))


def _printable(text: str) -> str:
    """Terminal control characters shown escaped, as everything else printed is."""
    return _CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _describe(error: Exception) -> str:
    text = str(error).strip()
    return text or type(error).__name__


def _decode(response: httpx.Response, method: str, path: str) -> Any:
    status = response.status_code
    if 300 <= status < 400:
        location = response.headers.get("location", "?")
        raise InvalidResponseError(
            f"The API answered HTTP {status} with a redirect to {location}; not followed, "
            "so the API key is only sent to the configured host.",
            status=status,
            method=method,
            path=path,
        )
    body = _parse_json(response)
    if status >= 400:
        raise _error_from_response(response, body, method, path)
    if isinstance(body, dict) and _looks_like_error(body):
        raise _error_from_response(response, body, method, path)
    if body is _NOT_JSON:
        raise InvalidResponseError(
            f"The API answered HTTP {status} to {method} {path} with a body that is not JSON "
            f"({_content_type(response)}).",
            status=status,
            method=method,
            path=path,
        )
    return body


_NOT_JSON: Any = object()


def _content_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "no content type")
    return content_type.split(";")[0]


def _parse_json(response: httpx.Response) -> Any:
    if not response.content:
        return _NOT_JSON
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return _NOT_JSON


def _looks_like_error(body: JsonObject) -> bool:
    # The official client's rule: code + message and at most 3 keys is an error, even on 2xx.
    return "code" in body and "message" in body and len(body) <= 3


def _request_id(response: httpx.Response) -> str | None:
    value = response.headers.get("x-request-id")
    # An ID is a short token; anything else is not worth echoing into an error line.
    if isinstance(value, str) and 0 < len(value) <= 100 and value.isprintable():
        return value
    return None


def _error_from_response(response: httpx.Response, body: Any, method: str, path: str) -> ApiError:
    status = response.status_code
    error_class = error_class_for_status(status) if status >= 400 else InvalidResponseError
    retry_after = retry_rules.parse_retry_after(response.headers.get("retry-after"))
    message = _server_text(body.get("message")) if isinstance(body, dict) else ""
    if message:
        code = _server_text(body.get("code"), 60) or None
        issues = _issues(body.get("issues"))
    else:
        snippet = response.content[:_ERROR_TEXT_LIMIT].decode(errors="replace").strip()
        kind = "empty body" if not snippet else f"{_content_type(response)} body"
        reason = _server_text(response.reason_phrase, 60)
        message = f"HTTP {status} {reason}".strip() + f" ({kind})"
        code, issues = None, []
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "method": method,
        "path": path,
        "issues": issues,
        "request_id": _request_id(response),
    }
    if error_class is RateLimitedError:
        return RateLimitedError(message, retry_after=retry_after, **kwargs)
    error = error_class(message, **kwargs)
    if isinstance(error, ServerError):
        error.retry_after = retry_after
    return error


def _server_text(value: Any, limit: int = _MESSAGE_LIMIT) -> str:
    """A string from an error body as it may be shown: one line, bounded, secrets masked.

    Anything but a string is no text at all. Control characters other than
    whitespace are left for the output layer to show escaped.
    """
    if not isinstance(value, str):
        return ""
    return excerpt(" ".join(value.split()), limit)


def _issues(value: Any) -> list[str]:
    """The messages of an error body's ``issues``, whatever shape it came in."""
    if not isinstance(value, list):
        return []
    messages = (
        _server_text(issue.get("message"), _ERROR_TEXT_LIMIT)
        for issue in value
        if isinstance(issue, dict)
    )
    shown = [message for message in messages if message]
    if len(shown) > _ISSUES_SHOWN:
        shown = [*shown[:_ISSUES_SHOWN], f"and {len(shown) - _ISSUES_SHOWN} more"]
    return shown


def parse_page(body: Any, path: str) -> Page:
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("items"), list)
        or not isinstance(body.get("hasMore"), bool)
    ):
        raise InvalidResponseError(
            f"The API's answer to GET {path} is not a list envelope (items, hasMore, nextPage).",
            status=200,
            method="GET",
            path=path,
        )
    items = [item for item in body["items"] if isinstance(item, dict)]
    next_page = body.get("nextPage")
    return Page(
        items=items,
        has_more=body["hasMore"],
        next_page=next_page if isinstance(next_page, str) and next_page else None,
    )


def expect_object(body: Any, what: str, *, key: str | None = None) -> JsonObject:
    """The API promised one JSON object; refuse anything else in one clear line.

    With ``key`` the object must also carry that identifier (a string or number):
    JSON of the wrong shape is not shown as a resource full of blanks.
    """
    if not isinstance(body, dict):
        raise InvalidResponseError(f"The API's answer is not a {what} object.", status=200)
    if key is not None and not _is_identifier(body.get(key)):
        raise InvalidResponseError(
            f"The API's answer is not a {what}: it has no '{key}'.", status=200
        )
    return body


def _is_identifier(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return (isinstance(value, str) and value != "") or isinstance(value, int)


def unwrap(body: Any, what: str) -> AsyncResult:
    """Split a ``{data, event}`` answer; tolerate a bare resource (which must have an ID)."""
    body = expect_object(body, what)
    if isinstance(body.get("data"), dict):
        event = body.get("event")
        resource = expect_object(body["data"], what, key="id")
        return AsyncResult(resource=resource, event=event if isinstance(event, dict) else None)
    return AsyncResult(resource=expect_object(body, what, key="id"), event=None)
