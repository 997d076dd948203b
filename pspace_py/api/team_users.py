"""A team's members: ``/teams/{teamId}/users`` (the team by ID or namespace)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.errors import InvalidResponseError, NotFoundError
from pspace_py.api.resource import ResourceApi, segment

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient


class TeamUsersApi(ResourceApi):
    """List members, make one an admin or not, remove one. Items are memberships
    (``{dtConfirmed, isAdmin, isOwner, user}``); the member's ID is ``user.id``."""

    noun = "team member"

    def __init__(self, client: ApiClient, team: str, *, name: str | None = None) -> None:
        """``team`` is the team's ID or namespace; ``name`` is what messages call it."""
        super().__init__(client)
        self.team = name or team
        self.path = f"teams/{segment(team)}/users"

    def get(self, user_id: str) -> JsonObject:
        """The member with this user ID. The API has no get: it is looked up in the list."""
        for member in self.iter({}):
            if member_user(member).get("id") == user_id:
                return member
        raise NotFoundError(
            f"No member of team '{self.team}' has the user ID '{user_id}'.",
            status=404,
            method="GET",
            path=self.path,
        )

    def update(self, user_id: str, *, is_admin: bool) -> JsonObject:
        body = self.client.put(self.item_path(user_id), {"isAdmin": is_admin})
        return expect_object(body, "team membership")

    def remove(self, user_id: str) -> JsonObject:
        return expect_object(self.client.delete(self.item_path(user_id)), "team membership")


def member_user(membership: JsonObject) -> JsonObject:
    """The ``user`` of a membership or an accessor; refused in one line when there is none."""
    user = membership.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        raise InvalidResponseError("The API's answer has no 'user' with an 'id'.", status=200)
    return user
