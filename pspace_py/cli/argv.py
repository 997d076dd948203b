"""The official CLI's command-line spellings, read off the commands themselves.

The root group hands its arguments to :func:`arrange` before Click parses them.
Everything here is derived from the Click parameters of the commands named on the
line (their option names, whether they are flags, their metavar), never from a
list kept by hand:

- an option goes to the command that defines it: the one it follows if that one
  does, else the innermost command of the line that does. So connection options
  work after the command (``pspace machine list --api-key K``), a command's own
  flags before it (``pspace --json machine list``), and a command's option that
  shares a global's name stays its own (``pspace sandbox serve --api-key K``).
  ``--help``/``-h`` anywhere means the innermost command's help. A command that
  passes unknown options on to another program (``machine ssh``) keeps the short
  options it does not know;
- a boolean flag also takes ``--flag=true|false`` and ``--flag true|false``
  (the official parser's forms); ``false`` means the ``--no-flag`` side, or
  leaving the flag out when it has none;
- an option whose metavar is in brackets (``[FIELDS]``) may be given without a
  value, as ``-F`` is in Paperspace's docs (``pspace machine create -F --name
  ...``): followed by another option, or last, it gets the empty value.

Nothing after ``--`` is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

END_OF_OPTIONS = "--"
_BOOLEAN_WORDS = {"true": True, "false": False}


class _Level:
    """One command of the line, and the tokens that go to it."""

    def __init__(self, command: Any, name: str | None) -> None:
        self.command = command
        self.name = name  # how the line named it (None: the root)
        self.tokens: list[str] = []

    def param(self, option: str) -> Any:
        for param in getattr(self.command, "params", ()):
            names = (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
            if param.param_type_name == "option" and option in names:
                return param
        return None


def arrange(root: Any, ctx: Any, args: Sequence[str]) -> list[str]:
    """``args`` with each option moved to the command it belongs to, in official spellings."""
    levels, command_at = _command_line(root, ctx, args)
    help_names = set(getattr(ctx, "help_option_names", ()) or ())
    depth = 0
    index = 0
    while index < len(args):
        token = args[index]
        if token == END_OF_OPTIONS:
            levels[depth].tokens.extend(args[index:])
            break
        if index in command_at:
            depth = command_at[index]
            index += 1
            continue
        if not _looks_like_option(token):
            levels[depth].tokens.append(token)
            index += 1
            continue
        name = token.split("=", 1)[0]
        owner = _owner(levels, depth, name)
        if owner is None:
            target = len(levels) - 1 if name in help_names else depth
            levels[target].tokens.append(token)
            index += 1
            continue
        param = levels[owner].param(name)
        taken, index = _option_tokens(param, token, args, index)
        levels[owner].tokens.extend(taken)
    arranged: list[str] = []
    for level in levels:
        if level.name is not None:
            arranged.append(level.name)
        arranged.extend(level.tokens)
    return arranged


def _command_line(root: Any, ctx: Any, args: Sequence[str]) -> tuple[list[_Level], dict[int, int]]:
    """The commands the line names (root first), and the index of each name in ``args``."""
    levels = [_Level(root, None)]
    command_at: dict[int, int] = {}
    index = 0
    while index < len(args):
        token = args[index]
        if token == END_OF_OPTIONS:
            break
        if _looks_like_option(token):
            name = token.split("=", 1)[0]
            owner = _owner(levels, len(levels) - 1, name)
            param = levels[owner].param(name) if owner is not None else None
            index = _option_tokens(param, token, args, index)[1] if param is not None else index + 1
            continue
        command = levels[-1].command
        sub = command.get_command(ctx, token) if hasattr(command, "get_command") else None
        if sub is None:
            break
        command_at[index] = len(levels)
        levels.append(_Level(sub, token))
        index += 1
    return levels, command_at


def _owner(levels: list[_Level], depth: int, name: str) -> int | None:
    """The level an option belongs to: where it stands if defined there, else the innermost."""
    if levels[depth].param(name) is not None:
        return depth
    settings = getattr(levels[depth].command, "context_settings", None) or {}
    if settings.get("ignore_unknown_options") and not name.startswith("--"):
        return None  # a command that passes options on (ssh): a short one may be the program's
    for candidate in range(len(levels) - 1, -1, -1):
        if levels[candidate].param(name) is not None:
            return candidate
    return None


def _option_tokens(
    param: Any, token: str, args: Sequence[str], index: int
) -> tuple[list[str], int]:
    """The tokens one option occurrence stands for, and the index after it."""
    name, has_value, value = token.partition("=")
    following = args[index + 1] if index + 1 < len(args) else None
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        if getattr(param, "is_bool_flag", False):
            if has_value and value in _BOOLEAN_WORDS:
                return _flag(param, name, _BOOLEAN_WORDS[value]), index + 1
            if not has_value and following in _BOOLEAN_WORDS:
                return _flag(param, name, _BOOLEAN_WORDS[following]), index + 2
        return [token], index + 1
    if has_value:
        # `-n=web` is `-n web` to the official parser; Click would take "=web" as the value.
        short = not name.startswith("--")
        return ([name, value] if short else [token]), index + 1
    nargs = max(1, getattr(param, "nargs", 1) or 1)
    if _value_is_optional(param) and (
        following in (None, END_OF_OPTIONS) or _looks_like_flag(following)
    ):
        return [token, ""], index + 1
    return [token, *args[index + 1 : index + 1 + nargs]], index + 1 + nargs


def _flag(param: Any, name: str, wanted: bool) -> list[str]:
    """A boolean flag said as ``name=wanted``, in the spelling Click knows."""
    secondary = list(getattr(param, "secondary_opts", ()))
    positive = name not in secondary
    if wanted == positive:
        return [name]
    # The other side of the flag: --x=false is --no-x, --no-x=false is --x.
    other = param.opts[0] if not positive else (secondary[0] if secondary else None)
    return [other] if other else []


def _value_is_optional(param: Any) -> bool:
    metavar = getattr(param, "metavar", None)
    return isinstance(metavar, str) and metavar.startswith("[")


def _looks_like_option(token: str) -> bool:
    return len(token) > 1 and token.startswith("-")


def _looks_like_flag(token: str) -> bool:
    """The official parser's test for "this is a flag, not a value": -x or --x, not -5."""
    body = token[2:] if token.startswith("--") else token[1:]
    return token.startswith("-") and body != "" and not body[0].isdigit()
