"""The ``pspace`` console script: signals are handled before anything else is imported.

Importing the app is most of start-up; a Ctrl-C or SIGTERM during it ends the process with
its one line instead of a traceback (pspace_py/cli/signals.py). So the handler goes in first,
with nothing imported for it but what the interpreter has loaded already.
"""

from __future__ import annotations

import os
import sys

# The interpreter's own signal module, loaded before any code runs: taking it leaves no time
# for a signal to land in (importing signal.py, its wrapper, takes a few milliseconds).
signal = sys.modules.get("_signal") or __import__("signal")


def _leave(signum: int, frame: object) -> None:
    # Nothing has been sent yet: nothing can be in progress. (Words as in interrupts.py.)
    terminated = signum == getattr(signal, "SIGTERM", None)
    os.write(2, b"Error: Terminated.\n" if terminated else b"Error: Interrupted.\n")
    os._exit(143 if terminated else 130)


def run() -> None:
    signal.signal(signal.SIGINT, _leave)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _leave)
    if "_PSPACE_COMPLETE" in os.environ:
        # A Tab press: a machine argument is answered from the cache without the app.
        from pspace_py.completion_fast import answer

        answered = answer(os.environ)
        if answered is not None:
            sys.stdout.write(answered[0])
            sys.stdout.flush()
            if answered[1]:
                sys.exit(answered[1])
            return
    from pspace_py.cli.main import run as run_app  # raises on signals from here on

    run_app()
