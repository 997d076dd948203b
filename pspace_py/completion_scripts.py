"""The scripts that hook ``pspace`` into each shell's completion: one source for the files in
``completions/`` (written by scripts/generate.py) and for ``pspace completion SHELL``.

Each script asks ``pspace`` itself for candidates (Click's protocol, through the
``_PSPACE_COMPLETE`` variable); machine names come from ``pspace_py.completion``'s cache.
"""

from __future__ import annotations

PROG = "pspace"
COMPLETE_VAR = "_PSPACE_COMPLETE"
# shell -> the file name under completions/
SHELLS = {
    "bash": "pspace.bash",
    "zsh": "_pspace.zsh",
    "fish": "pspace.fish",
    "powershell": "pspace.ps1",
}


def script(shell: str) -> str:
    """The completion script for ``shell`` (a key of ``SHELLS``), ending in one newline."""
    if shell not in SHELLS:
        raise ValueError(f"no completion script for {shell!r}; shells: {', '.join(SHELLS)}")
    # Typer's generator is what `--show-completion` prints; it has no public module.
    from typer._completion_shared import get_completion_script

    text = get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell)
    return text.rstrip() + "\n"
