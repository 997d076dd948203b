"""A Tab press on a machine argument, answered before the app is imported.

The console script (pspace_py/cli/entry.py) asks :func:`answer` first. A line that is exactly
``pspace machine COMMAND [MACHINE...] [PARTIAL]`` (no option, no quote), whose machine cache is
fresh for this API and key, gets what Typer's completion prints for that shell: bash, zsh or
fish (tests/test_completion_fast.py compares the two). Anything else is None, and the app
answers (and refreshes the cache): about 40 ms of Typer and the command tree saved on every
Tab, and for zsh and fish the import of rich as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pspace_py.completion import (
    Candidate,
    cache_path,
    cache_scope,
    is_fresh,
    matching,
    read_cache,
    settings_for,
)

# The machine commands whose one positional argument is MACHINE, and whether it takes several
# (tests/test_completion_fast.py checks this against the command tree).
MACHINE_ARGUMENT = {
    "get": False,
    "events": False,
    "start": True,
    "stop": True,
    "restart": True,
    "deactivate": True,
    "delete": True,
    "resize": False,
    "update": False,
    "ssh": False,
    "wait": False,
}
# zsh and fish show each value's description through rich, which leaves text like this as it
# is (checked by the tests); anything else is left to the app.
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9 _.,()/@+-]{0,60}")
_NARROWEST = 80  # rich wraps a description at its console's width


def answer(environ: Mapping[str, str]) -> tuple[str, int] | None:
    """(what to print, the exit status) for this Tab press, or None: the app answers."""
    try:
        shell = environ.get("_PSPACE_COMPLETE", "")
        line = _line(shell, environ)
        if line is None or not _machine_argument(*line):
            return None
        found = _fresh_candidates(line[1])
        return None if found is None else _formatted(shell, found, environ)
    except Exception:  # the app then answers, and says nothing either if it fails
        return None


def _line(shell: str, environ: Mapping[str, str]) -> tuple[list[str], str] | None:
    """The words before the one being completed (without the program) and that word."""
    text = environ.get("COMP_WORDS" if shell == "complete_bash" else "_TYPER_COMPLETE_ARGS")
    if text is None or any(quote in text for quote in "'\"\\"):
        return None  # words split as the shell would: the app's parser does that
    words = text.split()
    if shell == "complete_bash":
        position = int(environ["COMP_CWORD"])
        if position < len(words) - 1:
            return None  # completing in the middle of the line
        return words[1:position], " ".join(words[position : position + 1])
    if shell in ("complete_zsh", "complete_fish"):
        args = words[1:]
        if args and not text.endswith(" "):
            return args[:-1], args[-1]
        return args, ""
    return None


def _machine_argument(args: list[str], incomplete: str) -> bool:
    if len(args) < 2 or args[0] != "machine":
        return False
    if any(word.startswith("-") for word in [*args, incomplete]):
        return False  # an option, or a root option that may change the API or the key
    takes_several = MACHINE_ARGUMENT.get(args[1])
    return takes_several is not None and (len(args) == 2 or takes_several)


def _fresh_candidates(incomplete: str) -> list[Candidate] | None:
    scope = cache_scope(settings_for({}))
    written, cached_scope, found = read_cache(cache_path("machine"))
    if scope is None or not is_fresh(written, cached_scope, scope):
        return None
    return matching(found, incomplete)


def _formatted(
    shell: str, found: list[Candidate], environ: Mapping[str, str]
) -> tuple[str, int] | None:
    """As Typer's BashComplete, ZshComplete and FishComplete print them (and click.echo)."""
    if shell == "complete_bash":
        return "".join(f"{value}\n" for value, _ in found) or "\n", 0
    for width in (environ.get("COLUMNS"), environ.get("TERMINAL_WIDTH")):
        if width and int(width) < _NARROWEST:
            return None
    if not all(_PLAIN_TEXT.fullmatch(about) for _, about in found):
        return None
    if shell == "complete_zsh":
        shown = [
            f'"{_zsh_escape(value)}":"{about}"' if about else f'"{_zsh_escape(value)}"'
            for value, about in found
        ]
        return (f"_arguments '*: :(({chr(10).join(shown)}))'" if shown else "_files") + "\n", 0
    shown = [f"{value}\t{about}" if about else value for value, about in found]
    action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
    if action == "is-args":
        return "", 0 if shown else 1
    return ("\n".join(shown) if action == "get-args" else "") + "\n", 0


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )
