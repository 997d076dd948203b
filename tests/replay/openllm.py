"""OpenLLM's CI helper, as the requests it sends.

Transcribed from bentoml/OpenLLM@7d501d67 `tools/machines.py` (run by `.github/workflows/ci.yml`
twice per job, then `--delete`). It sends `Authorization` and `Accept: application/json`, and a
body (`json=`, so `Content-Type: application/json`) only on the create.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.replay.harness import Wire, json_bytes

POLL_SECONDS = 5  # machines.py main(): `while machine.status != 'ready': time.sleep(5)`


class OpenLlmCi:
    def __init__(self, wire: Wire, *, api_key: str = "sandbox-key") -> None:
        self.wire = wire
        self.headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.wire.send("GET", path, headers=self.headers, params=params).json()

    def state(self, machine_id: str) -> str:
        return str(self._get(f"/machines/{machine_id}")["state"])  # Machine.status

    def ci_machine(self, template_id: str, network_id: str | None) -> str:
        """Machine.ci: reuse the machine a name-prefix search finds, or create one."""
        found = self._get("/machines", {"limit": 1, "name": "openllm-ci"})
        if len(found["items"]) == 1:
            return str(found["items"][0]["id"])
        body = {
            "name": f"openllm-ci-{datetime.datetime.now().timestamp()}",
            "machineType": "A4000",
            "templateId": template_id,
            "networkId": network_id,  # os.getenv("PAPERSPACE_NETWORK_ID")
            "diskSize": 500,
            "region": "ny2",
            "publicIpType": "dynamic",
            "startOnCreate": True,
        }
        headers = {**self.headers, "Content-Type": "application/json"}
        response = self.wire.send("POST", "/machines", headers=headers, content=json_bytes(body))
        if response.status_code != 200:
            raise ValueError(f"Failed while creating a machine: {response.json()}")
        return str(response.json()["data"]["id"])

    def run_ci_template(self, template_id: str, network_id: str | None, output: str) -> str:
        """`python tools/machines.py --ci-template ID --output-ip|--output-id`."""
        machine_id = self.ci_machine(template_id, network_id)
        while self.state(machine_id) != "ready":
            self.wire.sleep(POLL_SECONDS)
        if output == "ip":
            return str(self._get(f"/machines/{machine_id}")["publicIp"])
        return machine_id

    def delete(self, machine_id: str) -> int:
        """`--delete ID`: exit 1 unless the answer is 200."""
        response = self.wire.send("DELETE", f"/machines/{machine_id}", headers=self.headers)
        return 0 if response.status_code == 200 else 1

    def start(self, machine_id: str) -> bool:
        """Machine.start: a 400 (or a ready machine) means "machine is already running"."""
        response = self.wire.send("PATCH", f"/machines/{machine_id}/start", headers=self.headers)
        if response.status_code == 400 or self.state(machine_id) == "ready":
            return False
        if response.status_code != 200:
            raise ValueError(f"Error while starting machine: {response.json()}")
        return True

    def stop(self, machine_id: str) -> bool:
        """Machine.stop: a 400 (or an off machine) means "machine is already off"."""
        response = self.wire.send("PATCH", f"/machines/{machine_id}/stop", headers=self.headers)
        if response.status_code == 400 or self.state(machine_id) == "off":
            return False
        if response.status_code != 200:
            raise ValueError(f"Error while stopping machine {response.json()}")
        return True
