"""The per-run state: one diagnostics sink, whatever output mode a command picks."""

from __future__ import annotations

from pspace_py.cli.context import AppContext


def test_choosing_an_output_mode_keeps_the_diagnostics_sink() -> None:
    state = AppContext()
    sink = state.diagnostics()
    data = state.output(json_mode=True, quiet=False)
    assert data.json_mode
    assert state.diagnostics() is sink
    assert not sink.json_mode
