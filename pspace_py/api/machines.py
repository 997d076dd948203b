"""Machines: ``/machines`` (contract §4.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pspace_py.api.client import AsyncResult, JsonObject, unwrap
from pspace_py.api.errors import AmbiguousResultError
from pspace_py.api.resource import ResourceApi


class MachinesApi(ResourceApi):
    path = "machines"
    noun = "machine"

    def create(self, body: Mapping[str, Any]) -> AsyncResult:
        """Create a machine; after an ambiguous failure, find it by name instead of retrying.

        A create that may or may not have happened is reconciled by listing
        machines with the same name: if one exists, it is returned with
        ``reconciled=True``; if none does, the ambiguity is raised for the
        user, who can then safely try again.
        """
        try:
            return unwrap(self.client.post(self.path, body), self.noun)
        except AmbiguousResultError as error:
            found = self._find_created(str(body.get("name", "")))
            if found is None:
                raise AmbiguousResultError(
                    f"Creating machine '{body.get('name')}' failed ({error.cause}) and no machine "
                    "with that name exists, so it was not created.",
                    cause=error.cause,
                    status=error.status,
                    method="POST",
                    path=self.path,
                ) from error
            return AsyncResult(resource=found, event=None, reconciled=True)

    def _find_created(self, name: str) -> JsonObject | None:
        if not name:
            return None
        matches = list(self.iter({"name": name, "orderBy": "dtCreated", "order": "desc"}))
        return matches[0] if matches else None

    def update(self, machine_id: str, body: Mapping[str, Any]) -> AsyncResult:
        return unwrap(self.client.put(self.item_path(machine_id), body), self.noun)

    def delete(self, machine_id: str) -> AsyncResult:
        return unwrap(self.client.delete(self.item_path(machine_id)), self.noun)

    def start(self, machine_id: str) -> AsyncResult:
        return self._action(machine_id, "start")

    def stop(self, machine_id: str) -> AsyncResult:
        return self._action(machine_id, "stop")

    def restart(self, machine_id: str) -> AsyncResult:
        return self._action(machine_id, "restart")

    def _action(self, machine_id: str, action: str) -> AsyncResult:
        # The official client sends {} on these PATCH calls; so do we.
        return unwrap(self.client.patch(self.item_path(machine_id, action), {}), self.noun)
