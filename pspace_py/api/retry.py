"""When and how long to retry a request.

Idempotent requests (GET, PUT, PATCH, DELETE) are retried on 429, 502, 503,
504 and transport failures. A POST creates something billable, so it is
retried only when the API provably did not process it: the connection was
never made, 429, or 503 with ``Retry-After``. Any other POST failure whose
effect is unknown becomes an :class:`AmbiguousResultError` for the caller to
reconcile. Waits use capped exponential backoff with full jitter, and honour
``Retry-After`` (seconds or an HTTP date) clamped to the same cap.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from datetime import datetime

from pspace_py.api.errors import (
    ApiError,
    ApiUnreachableError,
    RateLimitedError,
    ServerError,
)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_DELAY_SECONDS = re.compile(r"[0-9]+")
_MAX_DELAY_DIGITS = 12
_FAR_FUTURE = 1e12


class RetryPolicy(NamedTuple):
    """``retries`` is how many times a request may be repeated after the first try.

    A NamedTuple, not a dataclass: it is defined on every request's path."""

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header; None when absent or garbage.

    RFC 9110: ASCII digits (delay-seconds) or an HTTP date. Anything else (``1.5``,
    ``-5``, ``soon``, non-ASCII digits, an impossible date) is garbage and None,
    never an exception: the header comes from the network. The result is finite
    and >= 0; clamping it to the policy's cap is :func:`delay_before_retry`'s job.
    """
    if value is None:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        # A huge number of seconds is still "wait as long as you may" (then clamped).
        return float(value) if len(value) <= _MAX_DELAY_DIGITS else _FAR_FUTURE
    # Only a Retry-After date pays for these imports (email.utils is not small).
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    try:
        seconds = (when - now).total_seconds()
    except OverflowError:  # pragma: no cover - datetimes within 1..9999 never overflow
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**(attempt-1))] after ``attempt`` tries."""
    ceiling = min(policy.max_delay, policy.base_delay * (2 ** max(0, attempt - 1)))
    return rng.uniform(0.0, ceiling)


def delay_before_retry(
    attempt: int, error: BaseException | None, policy: RetryPolicy, rng: random.Random
) -> float:
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int | float):
        return min(float(retry_after), policy.max_delay)
    return backoff_delay(attempt, policy, rng)


def is_retryable(error: BaseException, method: str) -> bool:
    if not isinstance(error, ApiError):
        return False
    if method.upper() in IDEMPOTENT_METHODS:
        if isinstance(error, ApiUnreachableError):
            return True
        return error.status in RETRYABLE_STATUSES
    return was_not_processed(error)


def was_not_processed(error: ApiError) -> bool:
    """True when a failed request certainly had no effect on the server."""
    if isinstance(error, ApiUnreachableError):
        return error.not_sent
    if isinstance(error, RateLimitedError):
        return True
    return (
        isinstance(error, ServerError)
        and error.status == 503
        and getattr(error, "retry_after", None) is not None
    )


def is_ambiguous(error: ApiError) -> bool:
    """For a non-idempotent request: could it have taken effect despite failing?"""
    if isinstance(error, ApiUnreachableError):
        return not error.not_sent
    return isinstance(error, ServerError) and not was_not_processed(error)
