"""OS templates (``/os-templates``) and custom templates (``/custom-templates``), contract §3.8."""

from __future__ import annotations

from pspace_py.api.decode import AsyncResult, JsonObject, expect_object, unwrap
from pspace_py.api.resource import ResourceApi


class OsTemplatesApi(ResourceApi):
    """Paperspace's images. The API has no get: look them up in the list."""

    path = "os-templates"
    noun = "OS template"


class CustomTemplatesApi(ResourceApi):
    path = "custom-templates"
    noun = "custom template"

    def create(self, machine_id: str, name: str) -> AsyncResult:
        body = {"machineId": machine_id, "name": name}
        return unwrap(self.client.post(self.path, body), self.noun)

    def update(self, template_id: str, *, name: str) -> JsonObject:
        body = self.client.put(self.item_path(template_id), {"name": name})
        return expect_object(body, self.noun)

    def delete(self, template_id: str) -> JsonObject:
        """Delete a template; unlike create, the API answers the bare template (no event)."""
        return expect_object(self.client.delete(self.item_path(template_id)), self.noun)
