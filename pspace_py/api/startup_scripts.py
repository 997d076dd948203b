"""Startup scripts: ``/startup-scripts`` (contract §3.9, §4.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.resource import ResourceApi


class StartupScriptsApi(ResourceApi):
    path = "startup-scripts"
    noun = "startup script"

    def create(self, name: str, script: str, *, run_once: bool | None = None) -> JsonObject:
        body: dict[str, Any] = {"name": name, "script": script}
        if run_once is not None:
            body["isRunOnce"] = run_once
        return expect_object(self.client.post(self.path, body), self.noun)

    def update(self, script_id: str, changes: Mapping[str, Any]) -> JsonObject:
        """Send ``changes`` as given (``isEnabled: false`` included): omit what should stay."""
        body = self.client.put(self.item_path(script_id), dict(changes))
        return expect_object(body, self.noun)

    def delete(self, script_id: str) -> JsonObject:
        return expect_object(self.client.delete(self.item_path(script_id)), self.noun)

    def assign(self, script_id: str, machine_id: str) -> JsonObject:
        return self._machine_action(script_id, "assign", machine_id)

    def unassign(self, script_id: str, machine_id: str) -> JsonObject:
        # The official client posts to /assign here; the operation is /unassign.
        return self._machine_action(script_id, "unassign", machine_id)

    def _machine_action(self, script_id: str, action: str, machine_id: str) -> JsonObject:
        body = self.client.post(self.item_path(script_id, action), {"machineId": machine_id})
        return expect_object(body, self.noun)
