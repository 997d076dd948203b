"""The team members who may use a machine: ``/machines/{id}/accessors``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.resource import ResourceApi, segment
from pspace_py.api.team_users import member_user

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient


class MachineAccessorsApi(ResourceApi):
    """One machine's accessors. An accessor is ``{dtDeleted, user}``: it has no ID of its own,
    the user's ID names it."""

    noun = "machine accessor"

    def __init__(self, client: ApiClient, machine_id: str) -> None:
        super().__init__(client)
        self.machine_id = machine_id
        self.path = f"machines/{segment(machine_id)}/accessors"

    def get(self, user_id: str) -> JsonObject:
        return _accessor(self.client.get(self.item_path(user_id)))

    def add(self, user_id: str) -> JsonObject:
        return _accessor(self.client.post(self.path, {"userId": user_id}))

    def remove(self, user_id: str) -> JsonObject:
        return _accessor(self.client.delete(self.item_path(user_id)))


def _accessor(body: object) -> JsonObject:
    accessor = expect_object(body, "machine accessor")
    member_user(accessor)
    return accessor
