"""Shared drives: ``/shared-drives`` (contract §3.10, §4.1)."""

from __future__ import annotations

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.resource import ResourceApi


class SharedDrivesApi(ResourceApi):
    path = "shared-drives"
    noun = "shared drive"

    def create(self, *, name: str, size_gb: int, region: str, network_id: str) -> JsonObject:
        body = {"name": name, "size": size_gb, "region": region, "networkId": network_id}
        return expect_object(self.client.post(self.path, body), self.noun)

    def update(self, drive_id: str, *, name: str) -> JsonObject:
        body = self.client.put(self.item_path(drive_id), {"name": name})
        return expect_object(body, self.noun)

    def delete(self, drive_id: str) -> JsonObject:
        """Delete a drive and its files; the API answers ``{id}``."""
        return expect_object(self.client.delete(self.item_path(drive_id)), self.noun)
