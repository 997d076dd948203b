"""The served sandbox under load, and at scale: requests take turns at the app without holding
one another up while asleep in an injected latency, waitress's queue reports stay few, and the
private address pool holds the seed route's 100,000 machines. (How fast: bench/run.py.)"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pspace_py.sandbox import FaultRule
from pspace_py.sandbox.admin import MAX_SEED_MACHINES
from pspace_py.sandbox.server import THREADS, SandboxServer
from pspace_py.sandbox.state import addresses
from pspace_py.sandbox.store import Store, lease_many

HEADERS = {"authorization": "Bearer sandbox-key"}


@pytest.mark.slow
def test_a_request_asleep_in_injected_latency_does_not_hold_up_the_others() -> None:
    with SandboxServer(instant=True) as server, httpx.Client(headers=HEADERS, timeout=30) as http:
        server.app.add_fault(FaultRule("machines-list", action="latency", latency_ms=2_000))
        slow = threading.Thread(target=lambda: http.get(f"{server.url}/machines"))
        slow.start()
        try:
            for _ in range(20):
                assert http.get(f"{server.url}/auth/session").status_code == 200
            assert slow.is_alive()  # still asleep: the others went by it
        finally:
            slow.join(timeout=30)


@pytest.mark.slow
def test_requests_asleep_in_injected_latency_are_asleep_all_at_once() -> None:
    # Each sleeper waits at a barrier for the others: if the server had fewer threads than
    # sleepers at once, the barrier would time out and the requests would fail.
    parallel = 12
    barrier = threading.Barrier(parallel, timeout=10)
    with SandboxServer(instant=True) as server:
        server.app.sleep = lambda _seconds: barrier.wait()
        server.app.add_fault(FaultRule("auth-session", action="latency", latency_ms=100, times=0))
        url = f"{server.url}/auth/session"

        def get(_: int) -> int:
            with httpx.Client(headers=HEADERS, timeout=30) as http:
                return http.get(url).status_code

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            statuses = list(pool.map(get, range(parallel)))
        assert statuses == [200] * parallel
        assert not barrier.broken
        # The threads lent to the sleepers are given back.
        dispatcher = server._server.task_dispatcher
        for _ in range(200):  # bounded: a thread leaves when it next looks for work
            if len(dispatcher.threads) == THREADS:
                break
            threading.Event().wait(0.01)
        assert len(dispatcher.threads) == THREADS
        with httpx.Client(headers=HEADERS, timeout=30) as http:
            assert http.get(f"{server.url}/machines").status_code == 200


@pytest.mark.slow
def test_queue_reports_do_not_flood_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="waitress")
    with SandboxServer(instant=True) as server:
        url = f"{server.url}/auth/session"

        def hammer(_: int) -> int:
            with httpx.Client(headers=HEADERS, timeout=30) as http:
                return sum(http.get(url).status_code == 200 for _ in range(10))

        with ThreadPoolExecutor(max_workers=48) as pool:
            answered = sum(pool.map(hammer, range(48)))
    assert answered == 480
    reports = [record for record in caplog.records if record.name == "waitress.queue"]
    assert len(reports) <= 1, [record.getMessage() for record in reports]


def test_the_private_pool_holds_a_full_seed() -> None:
    pool = addresses.DEFAULT_PRIVATE_ADDRESSES
    assert len(pool) >= MAX_SEED_MACHINES
    # Past 10.0.0.0/16 the pool goes on in 172.16.0.0/12 (RFC 1918), never overlapping the
    # private networks' 10.1.0.0 and up.
    assert pool[0] == "10.0.0.1"
    assert pool[65_023] == "10.0.255.254"
    assert pool[65_024] == "172.16.0.1"
    assert pool[len(pool) - 1] == "172.31.255.254"
    for index in (0, 65_023, 65_024, 99_999, len(pool) - 1):
        assert pool.index(pool[index]) == index
    with pytest.raises(ValueError, match=r"10\.1\.0\.2"):
        pool.index("10.1.0.2")


def test_an_address_pool_reads_as_a_sequence_from_either_end() -> None:
    pool = addresses.DEFAULT_PRIVATE_ADDRESSES
    assert pool[-1] == "172.31.255.254"
    assert list(pool[65_023:65_025]) == ["10.0.255.254", "172.16.0.1"]
    assert list(addresses.PUBLIC_ADDRESSES[-2:]) == ["203.0.113.253", "203.0.113.254"]
    for outside in (len(pool), -len(pool) - 1):
        with pytest.raises(IndexError):
            pool[outside]


@pytest.mark.slow
def test_lease_many_fills_past_the_first_range() -> None:
    store = Store()
    owners = [f"ps{number:06d}" for number in range(MAX_SEED_MACHINES)]
    try:
        with store.write() as conn:
            leased = lease_many(
                conn, "team", "private:default", addresses.DEFAULT_PRIVATE_ADDRESSES, owners
            )
        assert leased is not None
        assert len(set(leased)) == MAX_SEED_MACHINES
        assert leased[-1].startswith("172.16.")
    finally:
        store.close()
