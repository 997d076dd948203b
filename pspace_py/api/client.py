"""The one HTTP client: base URL, auth, timeouts and retries.

Everything that talks to the API goes through :class:`ApiClient`. It owns one
``httpx.Client`` (keep-alive, one connection pool per process), never follows
redirects (so the key only ever goes to the configured host), and retries by the
rules of :mod:`pspace_py.api.retry`. What an answer means is decided in
:mod:`pspace_py.api.decode`, pages are walked by :mod:`pspace_py.api.pagination`,
and ``--debug``'s trace is written by :mod:`pspace_py.api.debug_log`.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pspace_py import __version__, interrupts
from pspace_py.api import deadline, pagination
from pspace_py.api import retry as retry_rules
from pspace_py.api.body import ACCEPT_ENCODING, read_body
from pspace_py.api.debug_log import log, log_request, log_response
from pspace_py.api.decode import AsyncResult, JsonObject, Page, decode
from pspace_py.api.errors import (
    AmbiguousResultError,
    ApiError,
    ApiUnreachableError,
    RequestNotSentError,
    request_label,
)
from pspace_py.redact import register_secret

if TYPE_CHECKING:
    # httpx costs ~45 ms to import: only code paths that send a request pay for it,
    # so `pspace machine list --help` never does (tests/test_import_guard.py).
    import httpx

# Re-exported: what callers of the client name in type hints.
__all__ = ["ApiClient", "AsyncResult", "JsonObject", "Page"]

USER_AGENT = f"pspace-py/{__version__}"
CONNECT_TIMEOUT = 10.0


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
            # Only what api/body.py decodes with a cap (httpx would add br or zstd if installed).
            "Accept-Encoding": ACCEPT_ENCODING,
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
        if transport is None:
            from pspace_py.api.transport import hold_to_deadlines

            hold_to_deadlines(self._http)

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
                ambiguous = AmbiguousResultError(
                    f"{request_label(method, path)} failed and may or may not have taken "
                    f"effect: {error}",
                    cause=error,
                    status=error.status,
                    code=error.code,
                    method=method,
                    path=path,
                )
                ambiguous.out_of_time = error.out_of_time
                raise ambiguous from error
            raise

    def _retry(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Mapping[str, Any] | None,
        error: ApiError,
    ) -> Any:
        """Try again after ``error``, up to the policy's retries and within the deadline.

        A retry that could not start before the thread's deadline
        (:mod:`pspace_py.api.deadline`) is not made: the time left is spent waiting, as
        the server asked or the backoff says, and ``error`` is raised with ``out_of_time``.
        """
        for attempt in range(1, self.retry_policy.retries + 1):
            delay = retry_rules.delay_before_retry(attempt, error, self.retry_policy, self._rng)
            left = deadline.remaining()
            if left is not None and delay >= left:
                log.info("not retrying: %.2fs to wait, %.2fs left (%s)", delay, left, error)
                self._sleep(max(0.0, left))
                error.out_of_time = True
                raise error
            log.info("retrying after %.2fs (attempt %d failed: %s)", delay, attempt, error)
            self._sleep(delay)
            try:
                return self._send_once(method, path, query, body)
            except ApiError as later:
                if not retry_rules.is_retryable(later, method):
                    raise
                error = later
        raise error

    def _send_once(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Mapping[str, Any] | None,
    ) -> Any:
        import httpx  # already loaded by __init__; here for the exception classes

        interrupts.raise_if_lost()  # nothing is sent once a signal has arrived
        relative = path.lstrip("/")
        content = None
        headers = {}
        if body is not None or method in {"POST", "PUT", "PATCH"}:
            content = json.dumps(body if body is not None else {}).encode()
            headers["Content-Type"] = "application/json"
        # One deadline for the whole try: connecting, sending and reading all of the answer.
        left = deadline.remaining()
        cut_short = left is not None and left < self.timeout
        seconds = max(0.0, left) if cut_short and left is not None else self.timeout
        what = request_label(method, path)
        if seconds <= 0:
            raise ApiUnreachableError(
                f"No time was left to send {what} before the deadline.",
                not_sent=True,
                out_of_time=True,
                method=method,
                path=path,
            )
        try:
            request = self._http.build_request(
                method,
                relative,
                params=query or None,
                content=content,
                headers=headers,
                timeout=httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT, seconds)),
            )
        except httpx.InvalidURL as error:  # e.g. a 100 KB name in the path: never sent
            raise RequestNotSentError(
                f"Cannot send {what}: {_describe(error)}.", method=method, path=path
            ) from None
        log_request(request, content)
        started = time.monotonic()
        within = (
            f"in the {seconds:.3g}s left before the deadline"
            if cut_short
            else f"within {self.timeout:g}s (--http-timeout)"
        )
        try:
            with deadline.limit(seconds):
                response = self._http.send(request, stream=True)
                try:
                    answer = read_body(response, method, path)
                finally:
                    response.close()
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
                out_of_time=cut_short,
                method=method,
                path=path,
            ) from None
        except httpx.TimeoutException:
            raise ApiUnreachableError(
                f"The API did not answer {what} {within}.",
                out_of_time=cut_short,
                method=method,
                path=path,
            ) from None
        except httpx.TransportError as error:
            raise ApiUnreachableError(
                f"Connection to {request.url.host} failed during {what}: {_describe(error)}.",
                method=method,
                path=path,
            ) from None
        elapsed_ms = (time.monotonic() - started) * 1000
        log_response(response, answer, elapsed_ms)
        return decode(response, answer, method, path)

    # -- pagination (api/pagination.py) ---------------------------------------

    def list_page(self, path: str, params: Mapping[str, Any] | None = None) -> Page:
        return pagination.list_page(self, path, params)

    def iter_items(
        self, path: str, params: Mapping[str, Any] | None = None, *, follow: bool = True
    ) -> pagination.Walk:
        return pagination.iter_items(self, path, params, follow=follow)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _describe(error: Exception) -> str:
    text = str(error).strip()
    return text or type(error).__name__
