"""API keys and teams: every key the sandbox accepts is its own team.

`sandbox-key` is always accepted (team `sandbox`); `create_app(api_keys=...)` adds more. A key
named `<slug>-key` (e.g. `alice-key`) gets the team namespace `<slug>`; any other key gets
`team-` plus a hash of the key, so a namespace never reveals a key that was not chosen to be
readable. Teams never see each other's resources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_API_KEY = "sandbox-key"
# When every sandbox team and its owner signed up (2024-01-01T00:00:00Z): fixed, so answers repeat.
SIGNED_UP_MS = 1_704_067_200_000
OWNER_FIRST_NAME, OWNER_LAST_NAME = "Sandbox", "User"  # every team's owner, the key's user
_READABLE_KEY = re.compile(r"^([a-z][a-z0-9-]{0,30})-key$")


@dataclass(frozen=True)
class Team:
    namespace: str  # also the partition key of every stored resource
    id: str
    analytics_id: int
    user_id: str
    user_analytics_id: int
    email: str


def team_for_key(api_key: str) -> Team:
    import hashlib  # here: importing the package must stay cheap for the CLI

    digest = hashlib.sha256(api_key.encode()).hexdigest()
    readable = _READABLE_KEY.match(api_key)
    namespace = readable.group(1) if readable else f"team-{digest[:8]}"
    team_digest = hashlib.sha256(namespace.encode()).hexdigest()
    return Team(
        namespace=namespace,
        id="te" + team_digest[:7],
        analytics_id=int(team_digest[8:14], 16),
        user_id="u" + team_digest[14:22],
        user_analytics_id=int(team_digest[22:28], 16),
        email=f"{namespace}@sandbox.pspace.invalid",
    )


class KeyRing:
    """The accepted keys and their teams (keys are looked up, never logged)."""

    def __init__(self, api_keys: Iterable[str] = ()) -> None:
        keys = [DEFAULT_API_KEY, *(key for key in api_keys if key)]
        self._teams = {key: team_for_key(key) for key in keys}

    def team(self, api_key: str | None) -> Team | None:
        return None if api_key is None else self._teams.get(api_key)

    def accepted_team(self, api_key: str, *, named: str = "`apiKey`") -> Team:
        """The team of a key the sandbox accepts; ValueError naming it (``named``) otherwise."""
        team = self.team(api_key)
        if team is None:
            raise ValueError(f"{named} is not a key this sandbox accepts.")
        return team

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._teams)
