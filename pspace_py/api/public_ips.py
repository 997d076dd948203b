"""Public IPs: ``/public-ips`` (contract §3.7, §4.1). The address is the resource key."""

from __future__ import annotations

from pspace_py.api.decode import JsonObject, expect_object
from pspace_py.api.resource import ResourceApi


class PublicIpsApi(ResourceApi):
    path = "public-ips"
    noun = "public IP"

    def find(self, ip: str) -> JsonObject | None:
        """The claimed address ``ip``, or None; the API has no get, so the list is scanned."""
        for item in self.iter({}):
            if item.get("ip") == ip:
                return item
        return None

    def claim(self, region: str) -> JsonObject:
        return expect_object(self.client.post(self.path, {"region": region}), self.noun)

    def assign(self, ip: str, machine_id: str | None) -> JsonObject:
        """Attach ``ip`` to a machine; ``None`` sends ``{"machineId": null}``, which unassigns."""
        body = self.client.put(self.item_path(ip), {"machineId": machine_id})
        return expect_object(body, self.noun)

    def release(self, ip: str) -> JsonObject:
        """Give the address back (it is unassigned first); the API answers ``{ip}``."""
        return expect_object(self.client.delete(self.item_path(ip)), self.noun)
