"""Property: whatever arrives (methods, paths, query strings, bodies), the sandbox answers JSON
in the contract's envelopes and never fails with a 500."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.routes import ROUTES
from pspace_py.sandbox.transport import SandboxTransport
from tests.sandbox.sandbox_contract import ERROR_CODES

APP = create_app(clock=FakeClock(), seed=11)
CLIENT = httpx.Client(
    transport=SandboxTransport(APP, default_api_key="sandbox-key", sleep=lambda _: None),
    base_url="http://fuzz.test",
)
_SETUP = CLIENT.post(
    "/v1/machines",
    json={
        "name": "f",
        "machineType": "C4",
        "templateId": "t0nspur5",
        "region": "NY2",
        "diskSize": 50,
    },
).json()["data"]
_NETWORK = CLIENT.post("/v1/private-networks", json={"name": "n", "region": "NY2"}).json()

RESOURCES = [
    "machines",
    "machine-events",
    "snapshots",
    "private-networks",
    "public-ips",
    "os-templates",
    "custom-templates",
    "startup-scripts",
    "shared-drives",
    "auth",
    "billing",
]
# Printable text: httpx itself refuses control characters in URLs before anything is sent.
URL_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_characters="/?#%\x7f"),
    max_size=12,
)
SEGMENTS = st.one_of(
    st.sampled_from(
        [
            _SETUP["id"],
            _NETWORK["id"],
            "start",
            "stop",
            "restart",
            "restore",
            "assign",
            "unassign",
            "session",
            "account-standing",
            "203.0.113.1",
            "ps000000",
            "",
        ]
    ),
    URL_TEXT,
)
RANDOM_PATHS = st.builds(
    lambda prefix, resource, rest: prefix + "/".join([resource, *rest]),
    st.sampled_from(["/v1/", "/", "/_sandbox/", "/v2/"]),
    st.one_of(st.sampled_from(RESOURCES), URL_TEXT),
    st.lists(SEGMENTS, max_size=3),
)
API_PATHS = st.builds(
    lambda resource, rest: "/v1/" + "/".join([resource, *rest]),
    st.sampled_from(RESOURCES),
    st.lists(SEGMENTS, max_size=2),
)
IDS = st.one_of(
    st.sampled_from([_SETUP["id"], _NETWORK["id"], "203.0.113.1", "ps000000"]), URL_TEXT
)
ROUTED = st.builds(
    lambda route, resource_id: (
        route.method,
        "/v1" + re.sub(r"<\w+>", lambda _: resource_id or "x", route.path),
    ),
    st.sampled_from(ROUTES),
    IDS,
)
ANY = st.tuples(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    st.one_of(API_PATHS, RANDOM_PATHS),
)
# Mostly the API's own operations, so the handlers (not just the router) meet the odd inputs.
REQUESTS = st.one_of(ROUTED, ROUTED, ROUTED, ANY)
FIELDS = [
    "name",
    "machineType",
    "templateId",
    "region",
    "diskSize",
    "networkId",
    "publicIpType",
    "machineId",
    "startOnCreate",
    "size",
    "script",
    "isRunOnce",
    "isEnabled",
    "createSnapshotBeforeRestore",
    "migrateMachines",
    "autoShutdownTimeout",
    "autoSnapshotSaveCount",
    "restorePointSnapshotId",
    "takeInitialSnapshot",
    "seconds",
]
PLAUSIBLE = st.sampled_from(
    [
        "C4",
        "C5",
        "A4000",
        "NY2",
        "ams1",
        "t0nspur5",
        50,
        100,
        75,
        True,
        False,
        None,
        "static",
        "dynamic",
        _SETUP["id"],
        _NETWORK["id"],
        250,
        8,
        -1,
        1e308,
        "",
        "x" * 300,
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
BODIES = st.one_of(
    st.none(),
    st.binary(max_size=40),
    st.dictionaries(st.sampled_from(FIELDS), st.one_of(PLAUSIBLE, JSON), max_size=8).map(
        lambda body: json.dumps(body).encode()
    ),
    JSON.map(lambda value: json.dumps(value).encode()),
)
QUERIES = st.dictionaries(
    st.sampled_from(
        ["limit", "after", "order", "orderBy", "name", "region", "machineId", "agentType", "x"]
    ),
    st.one_of(
        st.sampled_from(
            ["1", "120", "0", "asc", "desc", "name", "state", "dtCreated", "NY2", "eA"]
        ),
        st.text(max_size=10),
    ),
    max_size=4,
)


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("SANDBOX_FUZZ_EXAMPLES", "800")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    request=REQUESTS,
    query=QUERIES,
    body=BODIES,
    advance=st.sampled_from([0, 0, 0, 5, 60]),
)
def test_no_500s_and_always_json(
    request: tuple[str, str], query: dict, body: bytes | None, advance: int
) -> None:
    method, path = request
    if path.startswith("/_sandbox/") and method in ("POST", "DELETE"):
        method = "GET"  # keep the fuzzer from resetting or reseeding the state it explores
    APP.advance(advance)
    # An absolute URL, so that a path starting with "//" stays a path.
    response = CLIENT.request(method, f"http://fuzz.test{path}", params=query, content=body)
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500 or response.status_code == 501, (method, path, response.text)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-pspace-sandbox"] == "1"
    payload: Any = response.json()
    if response.status_code >= 400:
        assert set(payload) <= {"code", "message", "issues"}
        assert payload["code"] in ERROR_CODES
    elif isinstance(payload, dict):
        # A success the official client would mistake for an error (contract §2.3).
        assert not ({"code", "message"} <= set(payload) and len(payload) <= 3)
