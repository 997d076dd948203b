"""Confirmations, in one place: nobody is ever asked where nobody can answer."""

from __future__ import annotations

import sys

from pspace_py.errors import RefusedError
from pspace_py.output import is_ci


def can_prompt() -> bool:
    """A person is there to answer: stdin is a terminal and this is not CI."""
    try:
        return sys.stdin.isatty() and not is_ci()
    except (AttributeError, ValueError):
        return False


def ci_at_a_terminal() -> bool:
    """CI is set although a person may be at the terminal: messages must not say "no terminal"."""
    try:
        return sys.stdin.isatty() and is_ci()
    except (AttributeError, ValueError):
        return False


def _not_confirmed(action: str) -> RefusedError:
    how = "(nobody is asked while CI is set)" if ci_at_a_terminal() else "without a terminal"
    return RefusedError(
        f"Not confirmed: {action} needs confirmation.", hint=f"Pass --yes to go ahead {how}."
    )


def ask(prompt: str) -> str:
    """One line from the user; the prompt goes to stderr so stdout stays clean for data."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def confirm(question: str, *, yes: bool, action: str) -> None:
    """Ask ``question [y/N]``; raise RefusedError on no, or when nobody can answer."""
    if yes:
        return
    if not can_prompt():
        raise _not_confirmed(action)
    if ask(f"{question} [y/N]: ").lower() not in {"y", "yes"}:
        raise RefusedError(f"Cancelled: {action} was not confirmed.")


def confirm_by_typing(expected: str, *, yes: bool, action: str, what: str) -> None:
    """Ask the user to type ``expected`` (e.g. the machine's name) to go ahead."""
    if yes:
        return
    if not can_prompt():
        raise _not_confirmed(action)
    answer = ask(f"Type {what} '{expected}' to confirm: ")
    if answer != expected:
        raise RefusedError(f"Cancelled: '{answer}' does not match '{expected}'.")
