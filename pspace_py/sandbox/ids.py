"""Identifiers shaped like Paperspace's, from a generator that is deterministic under a seed."""

from __future__ import annotations

import random
import string
import uuid

_ALPHANUMERIC = string.ascii_lowercase + string.digits


class IdGenerator:
    """Makes IDs and passwords; seeded -> the same sequence every run (golden outputs).

    Unseeded it draws from the OS's randomness, so two processes sharing one state file do not
    produce the same sequence.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._random: random.Random = (
            random.Random(seed)  # noqa: S311 -- reproducible test IDs, not secrets
            if seed is not None
            else random.SystemRandom()
        )

    def reseed(self) -> None:
        if self.seed is not None:
            self._random.seed(self.seed)

    def token(self, length: int, alphabet: str = _ALPHANUMERIC) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def machine_id(self) -> str:
        # Paperspace machine IDs: "ps" + 6 lowercase alphanumerics, e.g. "psx3k9a1".
        return "ps" + self.token(6)

    def prefixed(self, prefix: str, length: int = 8) -> str:
        return prefix + self.token(length)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
