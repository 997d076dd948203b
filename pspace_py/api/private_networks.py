"""Private networks: ``/private-networks`` (contract §3.6, §4.1)."""

from __future__ import annotations

from typing import Any

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.errors import NotFoundError
from pspace_py.api.resource import ResourceApi


class PrivateNetworksApi(ResourceApi):
    path = "private-networks"
    noun = "private network"

    def get(self, network_id: str) -> JsonObject:
        # privateNetworks-get is typed `PrivateNetwork | null`: null means there is none.
        body = self.client.get(self.item_path(network_id))
        if body is None:
            raise NotFoundError(
                f"No private network has the ID '{network_id}'.",
                status=200,
                method="GET",
                path=self.item_path(network_id),
            )
        return expect_object(body, self.noun, key="id")

    def create(self, name: str, region: str, *, migrate_machines: bool | None = None) -> JsonObject:
        body: dict[str, Any] = {"name": name, "region": region}
        if migrate_machines is not None:
            body["migrateMachines"] = migrate_machines
        return expect_object(self.client.post(self.path, body), self.noun)

    def update(self, network_id: str, *, name: str) -> JsonObject:
        body = self.client.put(self.item_path(network_id), {"name": name})
        return expect_object(body, self.noun)

    def delete(self, network_id: str) -> JsonObject:
        """Delete a network; the API answers ``{id}``."""
        return expect_object(self.client.delete(self.item_path(network_id)), self.noun)
