"""Machines: ``/machines`` (contract §4.1)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pspace_py.api.decode import AsyncResult, JsonObject, unwrap
from pspace_py.api.errors import (
    AmbiguousResultError,
    ApiError,
    ApiUnreachableError,
    BadRequestError,
    ConflictError,
    InvalidResponseError,
)
from pspace_py.api.errors import NotFoundError as ApiNotFoundError
from pspace_py.api.resource import ResourceApi


class MachinesApi(ResourceApi):
    path = "machines"
    noun = "machine"

    def create(
        self, body: Mapping[str, Any], *, known_ids: Collection[str] | None = None
    ) -> AsyncResult:
        """Create a machine; after an ambiguous failure, find it by name instead of retrying.

        A create that may or may not have happened is reconciled by listing
        machines with the same name: if a new one exists, it is returned with
        ``reconciled=True``; if none does, the ambiguity is raised for the
        user, with whether trying again is safe. ``known_ids`` are the IDs of
        machines that had the name before the call (see :meth:`ids_named`):
        they are never taken for the new one. Names are not unique, so without
        them an older machine of the same name could be.
        """
        name = str(body.get("name", ""))
        try:
            return unwrap(self.client.post(self.path, body), self.noun)
        except AmbiguousResultError as error:
            return self._reconcile(name, known_ids or (), error.cause)
        except InvalidResponseError as error:
            if not 200 <= (error.status or 0) < 300:
                raise
            # Accepted (2xx), but the answer cannot be read: the machine exists; find it.
            return self._reconcile(name, known_ids or (), error)

    def _reconcile(self, name: str, known_ids: Collection[str], cause: ApiError) -> AsyncResult:
        """The machine an unclear create made, or an AmbiguousResultError saying what is known."""
        try:
            found = self._find_created(name, known_ids)
        except ApiError as lookup_error:
            message = (
                f"Creating machine '{name}' failed ({_text(cause)}) and looking for it failed too "
                f"({_text(lookup_error)}), so it may or may not have been created."
            )
            raise AmbiguousResultError(
                message, cause=cause, status=cause.status, method="POST", path=self.path
            ) from lookup_error
        if found is None:
            raise AmbiguousResultError(
                _not_found(name, cause),
                cause=cause,
                status=cause.status,
                method="POST",
                path=self.path,
            )
        return AsyncResult(resource=found, event=None, reconciled=True)

    def ids_named(self, name: str) -> set[str]:
        """The IDs of the machines named exactly ``name`` (before a create, for reconciling)."""
        return {str(machine.get("id")) for machine in self._named(name)}

    def _find_created(self, name: str, known_ids: Collection[str]) -> JsonObject | None:
        new = [machine for machine in self._named(name) if str(machine.get("id")) not in known_ids]
        return new[0] if new else None

    def _named(self, name: str) -> list[JsonObject]:
        if not name:
            return []
        matches = self.iter({"name": name, "orderBy": "dtCreated", "order": "desc"})
        return [machine for machine in matches if machine.get("name") == name]

    def update(self, machine_id: str, body: Mapping[str, Any]) -> AsyncResult:
        return unwrap(self.client.put(self.item_path(machine_id), body), self.noun)

    def delete(self, machine_id: str) -> AsyncResult:
        try:
            return unwrap(self.client.delete(self.item_path(machine_id)), self.noun)
        except ApiNotFoundError as error:
            if not error.after_lost_answer:
                raise
            # A retry found it gone: the first try deleted it and its answer was lost.
            return AsyncResult(resource={"id": machine_id, "state": "gone"}, event=None)

    def start(self, machine_id: str) -> AsyncResult:
        return self._action(machine_id, "start")

    def stop(self, machine_id: str) -> AsyncResult:
        return self._action(machine_id, "stop")

    def restart(self, machine_id: str) -> AsyncResult:
        return self._action(machine_id, "restart")

    def _action(self, machine_id: str, action: str) -> AsyncResult:
        # The official client sends {} on these PATCH calls; so do we.
        try:
            return unwrap(self.client.patch(self.item_path(machine_id, action), {}), self.noun)
        except (ConflictError, BadRequestError) as error:
            if not error.after_lost_answer:
                raise
            # A retry was refused (400 on the real API): if the machine is already where the
            # first try sent it, that try worked and only its answer was lost.
            machine = self.get(machine_id)
            if machine.get("state") in _REACHED_BY[action]:
                return AsyncResult(resource=machine, event=None)
            raise


# States that show an action already took effect (in progress or done).
_REACHED_BY = {
    "start": frozenset({"starting", "serviceready", "ready"}),
    "stop": frozenset({"stopping", "off"}),
    "restart": frozenset({"restarting", "serviceready", "ready"}),
}


def _not_found(name: str, cause: ApiError) -> str:
    if isinstance(cause, ApiUnreachableError):
        # No answer at all: the API may have the request and still be working on it.
        return (
            f"Creating machine '{name}' got no answer ({_text(cause)}) and no machine with that "
            "name exists yet; the API may still be creating it, so look again in a minute."
        )
    if isinstance(cause, InvalidResponseError):
        # A 2xx the client could not read: accepted, so not "safe to try again".
        return (
            f"The API accepted creating machine '{name}' but its answer could not be read "
            f"({_text(cause)}), and no machine with that name shows yet; look again in a minute."
        )
    # A 500, 502 or 504 is what a gateway says when the backend is slow: it may be creating the
    # machine still, so nothing here says it was not made (a retry would make a second).
    return (
        f"Creating machine '{name}' failed ({_text(cause)}) and no machine with that name "
        "shows yet; after a server error the API may still be creating it, so look again in a "
        "minute before creating another."
    )


def _text(error: ApiError) -> str:
    return error.message.rstrip(".")
