"""Who the key belongs to (``/auth/session``) and whether the team may spend."""

from __future__ import annotations

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.errors import AuthenticationError
from pspace_py.api.resource import ResourceApi


class AuthApi(ResourceApi):
    noun = "session"

    def session(self) -> JsonObject:
        """The key's session; a null session or one without a team is a rejected key."""
        body = self.client.get("auth/session")
        if body is None:
            raise AuthenticationError("no session for this key", status=200)
        session = expect_object(body, "session")
        team = session.get("team")
        if not isinstance(team, dict) or not team.get("namespace"):
            raise AuthenticationError("The API key is not attached to a team.", status=200)
        return session

    def account_standing(self) -> JsonObject:
        return expect_object(self.client.get("billing/account-standing"), "account standing")
