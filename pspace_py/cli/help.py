"""How every ``--help`` looks: one renderer for the terminal, pipes and docs/cli.md.

Plain text in the manner of gh's and hcloud's help (sections, two aligned columns,
examples), bold headings on a colour terminal and nothing else, so nothing depends
on a markup language that could eat ``[env: ...]`` or draw boxes into a pipe:

- the usage line names arguments as nouns (``MACHINE``, ``SNAPSHOT...``);
- option names and values are never cut (the layout: pspace_py/cli/help_layout.py);
- every command ends with its examples (pspace_py/cli/examples.py);
- ``help commands`` lists a group's commands one a line (:func:`command_list`).

Imported only when help is shown (the classes in pspace_py/cli/command_classes.py call it).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

from pspace_py.cli.help_layout import (
    example_lines,
    paragraphs,
    rows,
    wrap,
)

_EXTRAS = re.compile(r"^(?P<help>.*?)\s*\[(?P<extras>[^\[\]]*)\]$", re.DOTALL)
# Value names as gh and the official CLI write them.
_TYPE_WORDS = {"str": "string", "text": "string", "integer": "int", "float": "number"}


def write_help(command: Any, ctx: Any, formatter: Any) -> None:
    """The whole help page of ``command`` into Click's ``formatter``."""
    formatter.write("".join(help_lines(command, ctx, formatter.width, styled=_styled())))


def write_usage(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write(_usage(command, ctx, formatter.width, styled=False))


def help_lines(command: Any, ctx: Any, width: int, *, styled: bool) -> Iterator[str]:
    heading = _bold if styled else str
    yield _usage(command, ctx, width, styled=styled)
    description = _description(command)
    if description:
        yield "\n"
        yield from paragraphs(description, width)
    arguments = list(_argument_rows(command, ctx))
    if arguments:
        yield f"\n{heading('Arguments:')}\n"
        yield from rows(arguments, width)
    options = list(_option_rows(command, ctx))
    if options:
        yield f"\n{heading('Options:')}\n"
        yield from rows(options, width)
    commands = list(_command_rows(command, ctx))
    if commands:
        yield f"\n{heading('Commands:')}\n"
        yield from rows(commands, width)
    examples = _examples(ctx)
    if examples:
        yield f"\n{heading('Examples:')}\n"
        yield from example_lines(examples, width)
    footer = _footer(command, ctx)
    if footer:
        yield "\n"
        yield from wrap(footer, width, "")


# -- the parts -------------------------------------------------------------------------------


def _usage(command: Any, ctx: Any, width: int, *, styled: bool) -> str:
    pieces = ["[OPTIONS]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            pieces.append(_argument_usage(param))
    if _is_group(command):
        pieces.append("COMMAND [ARGS]...")
    elif (command.context_settings or {}).get("allow_extra_args"):
        pieces.append("[-- ARGS...]")
    prefix = f"{_bold('Usage:') if styled else 'Usage:'} {ctx.command_path} "
    lines = wrap(" ".join(pieces), width, " " * (len(ctx.command_path) + 8), first=prefix)
    return "".join(lines)


def _argument_usage(param: Any) -> str:
    name = _argument_name(param)
    if name.startswith("["):
        return name
    many = "..." if param.nargs != 1 else ""
    return f"{name}{many}" if param.required else f"[{name}]{many}"


def _argument_name(param: Any) -> str:
    metavar = param.metavar or (param.name or "").upper()
    return str(metavar).rstrip(".")


def _description(command: Any) -> str:
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    return text.strip()


def _argument_rows(command: Any, ctx: Any) -> Iterator[tuple[str, str]]:
    for param in command.get_params(ctx):
        if param.param_type_name != "argument" or getattr(param, "hidden", False):
            continue
        help_text, extras = _split_extras(param.get_help_record(ctx))
        extras = [extra for extra in extras if extra != "required"]
        yield _argument_name(param), _join_help(help_text, extras)


def _option_rows(command: Any, ctx: Any) -> Iterator[tuple[str, str]]:
    for param in command.get_params(ctx):
        if param.param_type_name != "option" or param.hidden:
            continue
        help_text, extras = _split_extras(param.get_help_record(ctx))
        extras = [_range_words(extra, help_text) for extra in extras]
        choices = _choices(param)
        if choices:
            help_text = f"{help_text} {{{'|'.join(choices)}}}".strip()
        yield _option_names(param, ctx), _join_help(help_text, [e for e in extras if e])


def _option_names(param: Any, ctx: Any) -> str:
    names = [*param.opts]
    shorts = [name for name in names if not name.startswith("--")]
    longs = [name for name in names if name.startswith("--")]
    secondary = list(param.secondary_opts)
    if len(longs) == 1 and secondary == [f"--no-{longs[0][2:]}"]:
        longs, secondary = [f"--[no-]{longs[0][2:]}"], []
    text = ", ".join([*shorts, *longs])
    if secondary:
        text += " / " + ", ".join(secondary)
    if not shorts:
        text = "    " + text
    if not param.is_flag and not param.count:
        text += f" {_value_name(param, ctx)}"
    return text


def _value_name(param: Any, ctx: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    name = getattr(param.type, "name", "text") or "text"
    if _choices(param) or "range" in name:
        name = name.replace(" range", "")
    word = _TYPE_WORDS.get(name, name)
    if word == "choice":
        word = "string"
    return f"{word}s" if param.multiple and word == "string" else word


def _choices(param: Any) -> list[str]:
    choices = getattr(param.type, "choices", None)
    return [str(choice) for choice in choices] if choices else []


def _range_words(extra: str, help_text: str) -> str:
    """Click's ``1<=x<=120`` and ``x>=1`` as ``1-120`` and ``at least 1``."""
    both = re.fullmatch(r"(-?[\d.]+)<=x<=(-?[\d.]+)", extra)
    if both:
        low, high = both.groups()
        return "" if f"{low}-{high}" in help_text else f"{low}-{high}"
    low_only = re.fullmatch(r"x>=(-?[\d.]+)", extra)
    if low_only:
        return f"at least {low_only.group(1)}"
    high_only = re.fullmatch(r"x<=(-?[\d.]+)", extra)
    if high_only:
        return f"at most {high_only.group(1)}"
    return extra.replace("env var: ", "env: ")


def _split_extras(record: tuple[str, str] | None) -> tuple[str, list[str]]:
    """A help record's text, and the parts of the ``[default: ...; required]`` Click adds."""
    text = (record or ("", ""))[1]
    match = _EXTRAS.match(text)
    if match is None or "  [" not in text:
        return text, []
    extras = [part.strip() for part in match.group("extras").split(";") if part.strip()]
    return match.group("help").rstrip(), extras


def _join_help(help_text: str, extras: list[str]) -> str:
    if not extras:
        return help_text
    return f"{help_text} [{'; '.join(extras)}]".strip()


def _command_rows(command: Any, ctx: Any, *, hidden: bool = False) -> Iterator[tuple[str, str]]:
    if not _is_group(command):
        return
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is None or (sub.hidden and not hidden):
            continue
        yield name, sub.get_short_help_str(limit=1000)


def command_list(group: Any, ctx: Any, width: int, *, hidden: bool) -> str:
    """``pspace [GROUP] help commands``: the group's commands one a line (``hidden``: all)."""
    heading = _bold if _styled() else str
    lines = [heading(f"{ctx.command_path} commands") + "\n"]
    with group.listing():  # the names and lines only: nothing imported (command_classes.py)
        lines.extend(rows(_command_rows(group, ctx, hidden=hidden), width))
    lines.append("\n")
    lines.extend(wrap(f"Run '{_help_path(ctx)} COMMAND' {_FOR_OPTIONS}", width, ""))
    return "".join(lines)


def _help_path(ctx: Any) -> str:
    """How this group's `help` is typed: `pspace help`, `pspace machine help`."""
    root = ctx.find_root().info_name
    key = command_key(ctx)
    return f"{root} {key} help" if key else f"{root} help"


def _examples(ctx: Any) -> tuple[tuple[str, str], ...]:
    from pspace_py.cli.examples import examples_for

    return examples_for(command_key(ctx))


def command_key(ctx: Any) -> str:
    """The examples table's key for a context: its command names below the root."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.command.name or ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


_FOR_OPTIONS = "for a command's options and examples."


def _footer(command: Any, ctx: Any) -> str:
    if ctx.parent is None:
        return f"Run 'pspace COMMAND --help' {_FOR_OPTIONS}"
    if _is_group(command):
        canonical = f"{ctx.find_root().info_name} {command_key(ctx)}"  # an alias's real name
        return f"Run '{canonical} COMMAND --help' {_FOR_OPTIONS}"
    root = ctx.find_root().command
    names = [
        _long_name(param)
        for param in root.params
        if param.param_type_name == "option"
        and not param.is_eager
        and not param.hidden
        and "completion" not in (param.name or "")
    ]
    shown = ", ".join(name for name in names if name)
    return f"Global options ({shown}) work here too; see 'pspace --help'."


def _long_name(param: Any) -> str:
    return next((name for name in param.opts if name.startswith("--")), "")


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _styled() -> bool:
    """Bold headings only where a person reads a colour terminal."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _bold(text: str) -> str:
    return f"\x1b[1m{text}\x1b[0m"
