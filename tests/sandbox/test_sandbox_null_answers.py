"""Two real answers that are 200 `null`, not errors (docs/sandbox.md, "Rules and their
sources"): a session for a key that is not accepted, and a private network that is not there."""

from __future__ import annotations

import pytest

from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_support import client_for, error_of


@pytest.mark.parametrize("key", ["not-a-key", None])
def test_a_session_without_an_accepted_key_is_null(app: SandboxApp, key: str | None) -> None:
    """The official CLI (`sess.data?.team?.namespace`), cloudypad and the Terraform provider
    all read a 200 `null` here as "invalid key"."""
    with client_for(app, key=key) as anonymous:
        response = anonymous.get("/auth/session")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.content == b"null"
        error_of(anonymous.get("/machines"), 401, "UNAUTHORIZED")  # every other route: 401


def test_a_missing_private_network_is_null() -> None:
    """The official spec types privateNetworks-get `PrivateNetwork | null`; the Terraform
    provider reads it on every machine read ("network does not exist, or it's non-private")."""
    app = create_app(clock=FakeClock(), api_keys=("bob-key",))
    with client_for(app) as client, client_for(app, key="bob-key") as other_team:
        response = client.get("/private-networks/nmissing")
        assert response.status_code == 200
        assert response.content == b"null"
        network = client.post("/private-networks", json={"name": "n", "region": "NY2"}).json()
        assert other_team.get(f"/private-networks/{network['id']}").json() is None
        error_of(client.delete("/private-networks/nmissing"), 404, "NOT_FOUND")
        error_of(client.put("/private-networks/nmissing", json={"name": "x"}), 404, "NOT_FOUND")
    app.close()
