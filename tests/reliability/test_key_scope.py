"""A stored key goes only to the API it was stored for (issue 16 item 6), as gh keeps a token
per host: what reaches a server is read off the Authorization headers it received.

A key given for the run (`--api-key`, `PAPERSPACE_API_KEY`) is the user's choice, for
whatever URL the run uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pspace_py.config import editing_config, store_key
from tests.reliability.helpers import Run, invoke, served_sandbox
from tests.reliability.hostile import PAGE as EMPTY_ENOUGH
from tests.reliability.hostile import Hostile, hostile_server, json_answer

REAL_KEY = "real-key-for-api-paperspace-com-0123456789"
OTHER_KEY = "key-for-the-other-api-0123456789abcdef"
SESSION = {"team": {"namespace": "t-hostile", "id": 1}, "user": {"email": "me@example.com"}}


def api():  # type: ignore[no-untyped-def]
    """A server that answers like enough of the API to log in and list machines."""
    return hostile_server(
        json_answer(EMPTY_ENOUGH), routes={"/v1/auth/session": json_answer(SESSION)}
    )


def logged_in_to_paperspace(isolated_env: Path) -> None:
    """What `pspace login` against the real API leaves: a key stored for the default API."""
    with editing_config(isolated_env / "config.toml") as config:
        store_key(config, "default", api_key=REAL_KEY, team="my-team", api_url=None)


def pspace(*args: str, env: dict[str, str | None] | None = None) -> Run:
    return invoke(None, *args, env={"PSPACE_SANDBOX": None, **(env or {})})


def bearers(server: Hostile) -> list[str | None]:
    return server.authorizations()


@pytest.mark.parametrize("how", ["--api-url", "PAPERSPACE_API_URL"])
def test_a_key_stored_for_paperspace_is_not_sent_to_another_api_url(
    isolated_env: Path, how: str
) -> None:
    logged_in_to_paperspace(isolated_env)
    with api() as server:
        if how == "--api-url":
            run = pspace("--api-url", server.url, "machine", "list")
        else:
            run = pspace("machine", "list", env={"PAPERSPACE_API_URL": server.url})
        assert server.seen == []  # not even a request without it
    assert run.exit_code == 3, run.stderr
    assert f"Not logged in to {server.url}" in run.stderr
    assert "profile 'default' has a key for https://api.paperspace.com" in run.stderr
    assert REAL_KEY not in run.stdout + run.stderr


def test_a_real_key_never_reaches_a_served_sandbox(isolated_env: Path) -> None:
    logged_in_to_paperspace(isolated_env)
    with served_sandbox(instant=True, seed=41) as served:
        run = pspace("machine", "list", env={"PAPERSPACE_API_URL": served.url})
        assert served.app.request_log() == []
    assert run.exit_code == 3, run.stderr


def test_a_key_stored_for_an_api_url_goes_to_that_url_only() -> None:
    with api() as server, api() as other:
        login = pspace("--api-url", server.url, "login", "--api-key", OTHER_KEY)
        assert login.exit_code == 0, login.stderr
        # The profile's own URL, and the same API given again (spelt another way).
        assert pspace("machine", "list").exit_code == 0
        same = server.url.replace("http://", "HTTP://") + "/"
        assert pspace("machine", "list", env={"PAPERSPACE_API_URL": same}).exit_code == 0
        # Another server on the same host, another port: not the same API.
        refused = pspace("--api-url", other.url, "machine", "list")
        assert refused.exit_code == 3
        assert other.seen == []
    assert bearers(server) == [f"Bearer {OTHER_KEY}"] * 3


@pytest.mark.parametrize("how", ["--api-key", "PAPERSPACE_API_KEY"])
def test_a_key_given_with_the_url_is_the_users_choice(isolated_env: Path, how: str) -> None:
    logged_in_to_paperspace(isolated_env)
    with api() as server:
        if how == "--api-key":
            run = pspace("--api-url", server.url, "--api-key", OTHER_KEY, "machine", "list")
        else:
            env = {"PAPERSPACE_API_URL": server.url, "PAPERSPACE_API_KEY": OTHER_KEY}
            run = pspace("machine", "list", env=env)
        assert run.exit_code == 0, run.stderr
        assert bearers(server) == [f"Bearer {OTHER_KEY}"]


def test_a_sandbox_profiles_key_never_goes_to_a_real_api(isolated_env: Path) -> None:
    with editing_config(isolated_env / "config.toml") as config:
        store_key(config, "default", api_key="sandbox-key", team="sandbox", api_url="sandbox")
    with api() as server:
        run = pspace("--api-url", server.url, "machine", "list")
        assert server.seen == []
    assert run.exit_code == 3
    assert "has a key for the built-in sandbox" in run.stderr
