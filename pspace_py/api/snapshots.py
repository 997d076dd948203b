"""Snapshots: ``/snapshots`` (contract §3.5, §4.1; create, delete and restore are async)."""

from __future__ import annotations

from pspace_py.api.decode import AsyncResult, JsonObject, expect_object, unwrap
from pspace_py.api.resource import ResourceApi


class SnapshotsApi(ResourceApi):
    path = "snapshots"
    noun = "snapshot"

    def create(self, machine_id: str, name: str) -> AsyncResult:
        body = {"machineId": machine_id, "name": name}
        return unwrap(self.client.post(self.path, body), self.noun)

    def update(self, snapshot_id: str, *, name: str) -> JsonObject:
        body = self.client.put(self.item_path(snapshot_id), {"name": name})
        return expect_object(body, self.noun)

    def delete(self, snapshot_id: str) -> AsyncResult:
        return unwrap(self.client.delete(self.item_path(snapshot_id)), self.noun)

    def restore(
        self, snapshot_id: str, *, create_snapshot_before: bool | None = None
    ) -> AsyncResult:
        """Put the snapshot's machine disk back to it; ``None`` leaves the API's default."""
        body = {}
        if create_snapshot_before is not None:
            body["createSnapshotBeforeRestore"] = create_snapshot_before
        return unwrap(self.client.post(self.item_path(snapshot_id, "restore"), body), self.noun)
