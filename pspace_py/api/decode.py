"""The one place an API answer is read: JSON, error bodies, list envelopes, resources.

:func:`decode` turns an HTTP response into its JSON body or a typed
:mod:`pspace_py.api.errors` exception; the other functions check the shape a
caller was promised (a list envelope, an object with an ID, a ``{data, event}``
answer) and refuse anything else in one clear line. Nothing here sends a request
or imports httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from pspace_py.api.errors import (
    ApiError,
    InvalidResponseError,
    RateLimitedError,
    ServerError,
    error_class_for_status,
    request_label,
)

if TYPE_CHECKING:
    import httpx

JsonObject = dict[str, Any]

_ERROR_TEXT_LIMIT = 200
# A server's error message, and each of its issues, as shown: one line, at most this long.
_MESSAGE_LIMIT = 300
_ISSUES_SHOWN = 5
_NOT_JSON: Any = object()


class Page(NamedTuple):
    """One page of a list operation."""

    items: list[JsonObject]
    has_more: bool
    next_page: str | None


class AsyncResult(NamedTuple):
    """A ``{data, event}`` answer: the resource now, and the event to follow."""

    resource: JsonObject
    event: JsonObject | None
    # True when the call's outcome was unknown and the resource was found afterwards.
    reconciled: bool = False


def decode(response: httpx.Response, content: bytes, method: str, path: str) -> Any:
    """The JSON body (``content``, as read) of a successful answer; any other answer raises
    its ApiError."""
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
    body = _parse_json(content)
    if status >= 400:
        raise _error_from_response(response, content, body, method, path)
    if isinstance(body, dict) and _looks_like_error(body):
        raise _error_from_response(response, content, body, method, path)
    if body is _NOT_JSON:
        raise InvalidResponseError(
            f"The API answered HTTP {status} to {request_label(method, path)} with a body that "
            f"is not JSON ({_content_type(response)}).",
            status=status,
            method=method,
            path=path,
        )
    return body


def parse_page(body: Any, path: str) -> Page:
    """A list operation's envelope ``{items, hasMore, nextPage}``."""
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("items"), list)
        or not isinstance(body.get("hasMore"), bool)
    ):
        raise InvalidResponseError(
            f"The API's answer to {request_label('GET', path)} is not a list envelope "
            "(items, hasMore, nextPage).",
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


def unwrap(body: Any, what: str) -> AsyncResult:
    """Split a ``{data, event}`` answer; tolerate a bare resource (which must have an ID)."""
    body = expect_object(body, what)
    if isinstance(body.get("data"), dict):
        event = body.get("event")
        resource = expect_object(body["data"], what, key="id")
        return AsyncResult(resource=resource, event=event if isinstance(event, dict) else None)
    return AsyncResult(resource=expect_object(body, what, key="id"), event=None)


def _is_identifier(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return (isinstance(value, str) and value != "") or isinstance(value, int)


def _content_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "no content type")
    return content_type.split(";")[0]


def _not_a_json_number(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _integer(text: str) -> int | float:
    # As orjson reads it: exact within 64 bits, a double beyond.
    number = int(text)
    return number if -(2**63) <= number < 2**64 else float(number)


_decoder: Any = None


def _parse_json(content: bytes) -> Any:
    """The JSON in ``content``; :data:`_NOT_JSON` for anything else.

    JSON as RFC 8259 (and JavaScript's ``JSON.parse``, the official CLI's reader) has it:
    ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON, so a body with them is malformed
    (docs/json.md), and an integer beyond 64 bits is read as a double. orjson reads all of
    that; what it refuses and JSON still allows (``1e999``, a lone surrogate escape, UTF-16)
    is read again by the standard library, made as strict about the constants.
    """
    if not content:
        return _NOT_JSON
    import orjson  # here: a command's --help never reads an answer

    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    import json

    global _decoder
    if _decoder is None:
        _decoder = json.JSONDecoder(parse_constant=_not_a_json_number, parse_int=_integer)
    try:
        # What json.loads does with bytes, with the stricter decoder.
        return _decoder.decode(content.decode(json.detect_encoding(content), "surrogatepass"))
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


def _error_from_response(
    response: httpx.Response, content: bytes, body: Any, method: str, path: str
) -> ApiError:
    from pspace_py.api.retry import parse_retry_after

    status = response.status_code
    error_class = error_class_for_status(status) if status >= 400 else InvalidResponseError
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    message = _server_text(body.get("message")) if isinstance(body, dict) else ""
    if message:
        code = _server_text(body.get("code"), 60) or None
        issues = _issues(body.get("issues"))
    else:
        snippet = content[:_ERROR_TEXT_LIMIT].decode(errors="replace").strip()
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
    from pspace_py.redact import excerpt

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
