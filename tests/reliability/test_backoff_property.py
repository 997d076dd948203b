"""The backoff schedule, property-based: capped exponential with full jitter, reproducible.

For the n-th retry (n = 0, 1, ...) the wait is uniform in [0, min(cap, base * 2**n)]; the same
seed gives the same schedule; the total stays within the attempts budget; and the client
really sleeps that schedule (read from a fake sleep against the sandbox).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pspace_py.api import retry
from pspace_py.api.errors import ServerError
from pspace_py.sandbox import create_app
from tests.reliability.helpers import arm, attempts, sandbox_client

policies = st.builds(
    retry.RetryPolicy,
    retries=st.integers(min_value=0, max_value=10),
    base_delay=st.floats(min_value=0.001, max_value=5.0),
    max_delay=st.floats(min_value=0.01, max_value=60.0),
)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def schedule(policy: retry.RetryPolicy, seed: int) -> list[float]:
    """The waits before retries 1..retries when no Retry-After is given."""
    rng = random.Random(seed)
    return [
        retry.delay_before_retry(attempt, None, policy, rng)
        for attempt in range(1, policy.retries + 1)
    ]


def ceiling(policy: retry.RetryPolicy, n: int) -> float:
    return min(policy.max_delay, policy.base_delay * 2**n)


@given(policies, seeds, st.integers(min_value=1, max_value=64))
def test_every_delay_is_within_zero_and_the_capped_exponential(
    policy: retry.RetryPolicy, seed: int, attempt: int
) -> None:
    delay = retry.backoff_delay(attempt, policy, random.Random(seed))
    assert 0.0 <= delay <= ceiling(policy, attempt - 1)


@given(policies, seeds)
def test_the_same_seed_gives_the_same_schedule(policy: retry.RetryPolicy, seed: int) -> None:
    first = schedule(policy, seed)
    assert schedule(policy, seed) == first
    assert len(first) == policy.retries
    for n, delay in enumerate(first):
        assert 0.0 <= delay <= ceiling(policy, n)


@given(policies, seeds)
def test_the_total_wait_stays_within_the_attempts_budget(
    policy: retry.RetryPolicy, seed: int
) -> None:
    total = sum(schedule(policy, seed))
    budget = sum(ceiling(policy, n) for n in range(policy.retries))
    assert total <= budget + 1e-9
    assert budget <= policy.retries * policy.max_delay + 1e-9


@given(st.lists(seeds, min_size=20, max_size=20, unique=True))
def test_jitter_spreads_the_waits(seed_list: list[int]) -> None:
    # Full jitter: different seeds give different waits (no lockstep retries across clients).
    policy = retry.RetryPolicy()
    firsts = {retry.backoff_delay(3, policy, random.Random(seed)) for seed in seed_list}
    assert len(firsts) > 10


APP = create_app(instant=True, seed=5)


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(min_value=0, max_value=10))
def test_the_client_sleeps_exactly_the_schedule(seed: int, retries: int) -> None:
    arm(APP, "machines-list:status=503,times=0")
    slept: list[float] = []
    with (
        sandbox_client(APP, retries=retries, sleep=slept.append, rng=random.Random(seed)) as client,
        pytest.raises(ServerError),  # the 503 outlasts the retries
    ):
        client.list_page("machines")
    assert slept == schedule(retry.RetryPolicy(retries=retries), seed)
    assert len(attempts(APP, "machines-list")) == retries + 1
