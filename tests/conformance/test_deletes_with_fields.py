"""A delete with `-F` prints the picked fields of the API's answer as a table on stdout, as the
official CLI prints every result (`ID` then the ID); the sentence for people stays on stderr."""

from __future__ import annotations

import pytest

from tests.conformance.conftest import Pspace
from tests.conformance.world import World

# (command line with {placeholders}, the picked field, the world's ID it prints)
DELETES = [
    ("private-network delete {empty_network}", "id", "empty_network"),
    ("shared-drive delete {drive}", "id", "drive"),
    ("startup-script delete {script}", "id", "script"),
    ("custom-template delete {template}", "id", "template"),
    ("autoscaling-group delete {group}", "id", "group"),
    ("public-ip release {ip}", "ip", "ip"),
]


@pytest.mark.parametrize(("line", "field", "role"), DELETES, ids=[d[0] for d in DELETES])
def test_a_delete_with_fields_prints_them(
    pspace: Pspace, world: World, line: str, field: str, role: str
) -> None:
    run = pspace(*line.format(**world.values()).split(), "-F", field, "--yes")

    assert run.exit_code == 0, run.describe()
    assert run.stdout == f"{field.upper()}\n{world.values()[role]}\n"
    assert run.stderr.startswith(("Deleted ", "Released ")), run.stderr
