"""Injected event failures (`POST /_sandbox/event-failures`): the next matching events end in
error. Kept in the process, not in the state file; thread-safe."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass
class EventFailure:
    """Make the next `times` events called `name` (optionally of one machine) end in error."""

    name: str
    error: str
    times: int = 1  # 0 = every matching event from now on
    machine_id: str | None = None
    used: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "error": self.error,
            "times": self.times,
            "machineId": self.machine_id,
            "used": self.used,
        }


class EventFailures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[EventFailure] = []

    def add(self, rule: EventFailure) -> None:
        with self._lock:
            self._rules.append(rule)

    def take(self, name: str, machine_id: str | None) -> str | None:
        """The error text for an event about to start, if a rule claims it."""
        with self._lock:
            for rule in self._rules:
                exhausted = rule.times and rule.used >= rule.times
                matches = rule.name == name and rule.machine_id in (None, machine_id)
                if matches and not exhausted:
                    rule.used += 1
                    return rule.error
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
