"""What one check found, and the list a request's checks make."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

OK = "ok"
WARNING = "warning"
FAILED = "failed"


class Check(NamedTuple):
    """One check: what was checked, how it went, and (when it failed) the fix in a few words."""

    name: str  # "machine type", "template", "disk size", ...
    status: str  # ok | warning | failed
    message: str
    fix: str | None = None
    # A refusal that is not bad input (the account may not spend): exit 5, not 2.
    refused: bool = False

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "status": self.status, "message": self.message, "fix": self.fix}


def ok(name: str, message: str) -> Check:
    return Check(name, OK, message)


def warning(name: str, message: str, fix: str | None = None) -> Check:
    return Check(name, WARNING, message, fix)


def failed(name: str, message: str, fix: str | None = None, *, refused: bool = False) -> Check:
    return Check(name, FAILED, message, fix, refused)


class Report:
    """The checks of one request, in the order they were made."""

    def __init__(self, checks: Iterable[Check] = ()) -> None:
        self.checks: list[Check] = list(checks)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def extend(self, checks: Iterable[Check]) -> None:
        self.checks.extend(checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.failed]

    @property
    def warnings(self) -> list[Check]:
        return [check for check in self.checks if check.status == WARNING]

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_json(self) -> list[dict[str, Any]]:
        return [check.to_json() for check in self.checks]
