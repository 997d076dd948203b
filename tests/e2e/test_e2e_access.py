"""Users on machines end to end: the docs' curl request against `pspace sandbox serve`, then the
installed `pspace` reading and changing the same accessors."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import Pspace
from tests.e2e.helpers import SANDBOX_KEY, ServedSandbox

pytestmark = pytest.mark.slow

MACHINE = {
    "name": "box",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "NY2",
    "diskSize": 50,
}


def post_json(url: str, body: str) -> tuple[int, Any]:
    """POST as the docs' curl line does: bearer key, JSON content type, the body as written."""
    curl = shutil.which("curl")
    headers = {"Authorization": f"Bearer {SANDBOX_KEY}", "Content-Type": "application/json"}
    if curl is not None:
        done = subprocess.run(
            [
                curl,
                "-s",
                "-X",
                "POST",
                url,
                *(f"-H{k}: {v}" for k, v in headers.items()),
                "-d",
                body,
                "-w",
                "\n%{http_code}",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        payload, _, status = done.stdout.rpartition("\n")
        return int(status), json.loads(payload)
    # The same request without curl (a machine that lacks it still runs this test).
    parsed = urlparse(url)
    connection = http.client.HTTPConnection(parsed.netloc, timeout=30)
    try:
        connection.request("POST", parsed.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_the_docs_curl_line_then_pspace_machine_access(
    sandbox: ServedSandbox, pspace: Pspace
) -> None:
    member = sandbox.admin("POST", "team-members", {"email": "ada@example.com", "firstName": "Ada"})
    user_id = member["user"]["id"]
    machine_id = sandbox.api("POST", "/machines", MACHINE)["data"]["id"]

    # DO-USERS: curl -X POST ... -d '{"id": "psm9u09bwu5i", "userId": "ur7p0nb7n"}' .../accessors
    status, accessor = post_json(
        f"{sandbox.url}/machines/{machine_id}/accessors",
        json.dumps({"id": machine_id, "userId": user_id}),
    )

    assert status == 200, accessor
    assert accessor["user"]["id"] == user_id
    listed = pspace("machine", "access", "list", "box", "-q")
    assert listed.exit_code == 0, listed.describe()
    assert listed.stdout.split() == [user_id]

    removed = pspace("machine", "access", "remove", "box", "ada@example.com", "--yes")

    assert removed.exit_code == 0, removed.describe()
    assert pspace("machine", "access", "list", "box", "-q").stdout == ""
    assert pspace("user", "list", "--json").json()["items"][0]["user"]["email"] == "ada@example.com"
