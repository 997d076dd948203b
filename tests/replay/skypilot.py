"""SkyPilot's Paperspace provisioner (0.14.1), as the requests it sends.

Transcribed from sky/provision/paperspace/{utils,instance,config,constants}.py (skypilot-org/
skypilot; line numbers are of the 0.14.1 files). Only the HTTP and the control flow around it
are kept: the same calls in the same order, the same headers and body bytes, the same checks
of each answer. `time.sleep` is the sandbox clock (see `harness.Wire.sleep`).
"""

from __future__ import annotations

from typing import Any

from tests.replay.harness import Wire, json_bytes

# constants.py
INSTANCE_TO_TEMPLATEID = {
    "H100x8": "t7vp562h",
    "H100": "tilqt47t",
    "A100-80Gx8": "tvimtol9",
    "A100-80G": "tqqsxr6b",
    "V100-32Gx4": "twnlo3zj",
    "V100-32Gx2": "twnlo3zj",
    "V100-32G": "twnlo3zj",
    "V100": "twnlo3zj",
    "GPU+": "twnlo3zj",
    "P4000": "twnlo3zj",
    "P4000x2": "twnlo3zj",
    "A4000": "twnlo3zj",
    "A4000x2": "twnlo3zj",
    "A4000x4": "twnlo3zj",
    **{f"C{i}": "t0nspur5" for i in range(5, 10)},
}
NVLINK_INSTANCES = {"H100x8", "A100-80Gx8"}
ADD_KEY_SCRIPT = "sky-add-key"  # utils.py:28
POLL_INTERVAL = 5  # instance.py:15
MAX_POLLS_FOR_UP_OR_STOP = (60 // POLL_INTERVAL) * 16  # instance.py:16-19
PENDING = ["starting", "restarting", "upgrading", "provisioning", "stopping"]  # instance.py:55
# instance.py:294-303: query_instances indexes this map; any other state is a KeyError.
STATUS_MAP = {
    "starting": "INIT",
    "restarting": "INIT",
    "upgrading": "INIT",
    "provisioning": "INIT",
    "stopping": "STOPPED",
    "serviceready": "INIT",
    "ready": "UP",
    "off": "STOPPED",
}


class PaperspaceCloudError(Exception):
    """utils.py:30; its text is f'{code}: {message}' of the error body (utils.py:40-49)."""


class SkyPilot:
    """One user's SkyPilot (`get_user_hash()` is `user_hash`) against a served sandbox."""

    def __init__(self, wire: Wire, *, api_key: str = "sandbox-key", user_hash: str = "ab12cd34"):
        self.wire = wire
        self.api_key = api_key
        self.user_hash = user_hash
        # utils.py:91-94: every GET/POST/PUT/DELETE carries these two headers.
        self.headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}

    # -- utils.py: the HTTP client ----------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str],
        params: dict[str, Any] | None = None,
        data: bytes | None = None,
    ) -> Any:
        """_try_request_with_backoff (utils.py:52-80): 200 -> JSON; 429 -> back off; else raise."""
        for attempt in range(6):
            # requests drops params whose value is None (list_endpoint's name=None).
            query = {key: value for key, value in (params or {}).items() if value is not None}
            response = self.wire.send(method, path, headers=headers, params=query, content=data)
            if response.status_code == 429 and attempt != 5:
                self.wire.sleep(10)
                continue
            if response.status_code == 200:
                return response.json()
            body = response.json()
            raise PaperspaceCloudError(f"{body.get('code')}: {body.get('message')}")
        return {}

    def list_endpoint(self, endpoint: str, **search: Any) -> list[dict[str, Any]]:
        """utils.py:96-114: follow `nextPage` while `hasMore`, repeating the search."""
        response = self._request("GET", f"/{endpoint}", headers=self.headers, params=search)
        items = list(response["items"])
        while response["hasMore"]:
            response = self._request(
                "GET",
                f"/{endpoint}",
                headers=self.headers,
                params={"after": f"{response['nextPage']}", **search},
            )
            items.extend(response["items"])
        return items

    def get_sky_key_script(self) -> str:
        """utils.py:123-124: the first script the name filter finds (IndexError if none)."""
        return str(self.list_endpoint("startup-scripts", name=ADD_KEY_SCRIPT)[0]["id"])

    def set_sky_key_script(self, public_key: str) -> None:
        """utils.py:126-164: rename the existing script to sky-add-key-<hash>, or create it."""
        script = f'echo "{public_key}" >> /home/paperspace/.ssh/authorized_keys \n'
        try:
            script_id = self.get_sky_key_script()
            self._request(
                "PUT",
                f"/startup-scripts/{script_id}",
                headers=self.headers,
                data=json_bytes(
                    {
                        "name": f"{ADD_KEY_SCRIPT}-{self.user_hash}",
                        "script": script,
                        "isRunOnce": True,
                        "isEnabled": True,
                    }
                ),
            )
        except IndexError:
            self._request(
                "POST",
                "/startup-scripts",
                headers=self.headers,
                data=json_bytes({"name": ADD_KEY_SCRIPT, "script": script, "isRunOnce": True}),
            )

    def get_network(self, name: str) -> dict[str, Any]:
        return self.list_endpoint("private-networks", name=name)[0]  # utils.py:166-170

    def setup_network(self, cluster: str, region: str) -> dict[str, Any]:
        """utils.py:172-187: the network named like the cluster, or a new one."""
        try:
            return self.get_network(cluster)
        except IndexError:
            network: dict[str, Any] = self._request(
                "POST",
                "/private-networks",
                headers=self.headers,
                data=json_bytes({"name": cluster, "region": region}),
            )
            return network

    def launch(
        self, name: str, instance_type: str, network_id: str, region: str, disk_size: int
    ) -> Any:
        """utils.py:199-218: the create body, byte for byte."""
        return self._request(
            "POST",
            "/machines",
            headers=self.headers,
            data=json_bytes(
                {
                    "name": name,
                    "machineType": instance_type,
                    "networkId": network_id,
                    "region": region,
                    "diskSize": disk_size,
                    "templateId": INSTANCE_TO_TEMPLATEID.get(instance_type),
                    "publicIpType": "dynamic",
                    "startupScriptId": self.get_sky_key_script(),
                    "enableNvlink": instance_type in NVLINK_INSTANCES,
                    "startOnCreate": True,
                }
            ),
        )

    def start(self, machine_id: str) -> Any:
        # utils.py:220-225: PATCH with the key only -- no body, no Content-Type.
        auth = {"Authorization": f"Bearer {self.api_key}"}
        return self._request("PATCH", f"/machines/{machine_id}/start", headers=auth)

    def stop(self, machine_id: str) -> Any:
        auth = {"Authorization": f"Bearer {self.api_key}"}  # utils.py:227-232
        return self._request("PATCH", f"/machines/{machine_id}/stop", headers=auth)

    def remove(self, machine_id: str) -> Any:
        return self._request("DELETE", f"/machines/{machine_id}", headers=self.headers)

    def rename(self, machine_id: str, name: str) -> Any:
        return self._request(
            "PUT", f"/machines/{machine_id}", headers=self.headers, data=json_bytes({"name": name})
        )

    # -- instance.py / config.py: the provisioner ----------------------------------------------

    def filter_instances(self, cluster: str, states: list[str] | None) -> dict[str, Any]:
        """instance.py:22-39: every machine, kept by exact name and (optionally) state."""
        possible = [f"{cluster}-head", f"{cluster}-worker"]
        found = {}
        for machine in self.list_endpoint("machines"):
            assert machine["state"] in STATUS_MAP, machine["state"]
            if states is not None and machine["state"] not in states:
                continue
            if machine.get("name") in possible:
                found[machine["id"]] = machine
        return found

    def bootstrap_instances(self, region: str, cluster: str) -> str:
        """config.py:11-40 -> the network id the machines go into."""
        network_id = str(self.setup_network(cluster, region)["id"])
        self.set_sky_key_script("ssh-ed25519 AAAA sky@replay")
        return network_id

    def run_instances(
        self, region: str, cluster: str, *, network_id: str, instance_type: str, disk_size: int
    ) -> dict[str, list[str]]:
        """instance.py:51-174 for count=1: wait, resume the off ones, create the missing."""
        resumed = list(self.filter_instances(cluster, [*PENDING, "off"]))
        while self.filter_instances(cluster, PENDING):
            self.wire.sleep(POLL_INTERVAL)
        stopped = self.filter_instances(cluster, ["off"])
        for machine_id in stopped:
            try:
                self.start(machine_id)
            except PaperspaceCloudError as error:
                if "This machine is currently starting." in str(error):
                    continue
                raise
        while self.filter_instances(cluster, [*PENDING, "off"]):
            self.wire.sleep(POLL_INTERVAL)
        existing = self.filter_instances(cluster, ["ready"])
        if existing:
            return {"resumed": resumed, "created": []}
        created = self.launch(f"{cluster}-head", instance_type, network_id, region, disk_size)
        machine_id = str(created["data"]["id"])
        for _ in range(MAX_POLLS_FOR_UP_OR_STOP):
            if len(self.filter_instances(cluster, ["ready"])) == 1:
                break
            self.wire.sleep(POLL_INTERVAL)
        else:
            raise RuntimeError("run_instances: Failed to create the instances")
        return {"resumed": list(stopped), "created": [machine_id]}

    def stop_instances(self, cluster: str) -> None:
        """instance.py:183-213: stop whatever runs or is on its way up, wait until all are off."""
        on_the_way_up = ["serviceready", "upgrading", "provisioning", "starting", "restarting"]
        running = self.filter_instances(cluster, ["ready", *on_the_way_up])
        for machine_id in running:
            self.stop(machine_id)
        for _ in range(MAX_POLLS_FOR_UP_OR_STOP):
            if len(self.filter_instances(cluster, ["off"])) >= len(running):
                return
            self.wire.sleep(POLL_INTERVAL)
        raise RuntimeError("Maximum number of polls reached; instances not STOPPED")

    def terminate_instances(self, cluster: str) -> None:
        """instance.py:216-246: delete every machine in any state; 5 s later, the network."""
        for machine_id in self.filter_instances(cluster, None):
            try:
                self.remove(machine_id)
            except PaperspaceCloudError as error:
                raise RuntimeError(f"Failed to terminate instance {machine_id}: {error}") from error
        try:
            self.wire.sleep(POLL_INTERVAL)
            network = self.get_network(cluster)
            self._request("DELETE", f"/private-networks/{network['id']}", headers=self.headers)
        except IndexError:
            pass  # "Network ... already deleted"

    def query_instances(self, cluster: str) -> dict[str, str]:
        """instance.py:280-308: each machine's status through the fixed 8-state map."""
        return {
            machine_id: STATUS_MAP[machine["state"]]
            for machine_id, machine in self.filter_instances(cluster, None).items()
        }

    def get_cluster_info(self, cluster: str) -> dict[str, tuple[str, str]]:
        """instance.py:249-277: (internal, external) IP of each ready machine."""
        return {
            machine_id: (machine["privateIp"], machine["publicIp"])
            for machine_id, machine in self.filter_instances(cluster, ["ready"]).items()
        }
