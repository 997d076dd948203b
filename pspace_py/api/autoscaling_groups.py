"""Autoscaling groups: ``/autoscaling-groups`` (the official CLI's spec; the public API
reference does not list them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.resource import ResourceApi


class AutoscalingGroupsApi(ResourceApi):
    path = "autoscaling-groups"
    noun = "autoscaling group"

    def create(self, body: Mapping[str, Any]) -> JsonObject:
        """Create a group from the API's body (name, clusterId, machineType, networkId,
        templateId, min, max; provisioningTimeout and startupScriptId optional)."""
        return expect_object(self.client.post(self.path, dict(body)), self.noun, key="id")

    def update(self, group_id: str, changes: Mapping[str, Any]) -> JsonObject:
        """Send ``changes`` as given: omit what should stay."""
        body = self.client.put(self.item_path(group_id), dict(changes))
        return expect_object(body, self.noun, key="id")

    def delete(self, group_id: str) -> JsonObject:
        """Delete a group; the API answers ``{id}``."""
        return expect_object(self.client.delete(self.item_path(group_id)), self.noun)
