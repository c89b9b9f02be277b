"""The set summary under the app's name: :mod:`formcheck.outputs.set_summary` builds it.

Kept so ``from formcheck.app.summary import summarize`` goes on working; the cards
(:mod:`formcheck.app.views`), the history store and the charts read the same
:class:`SetSummary` the CLI summary prints.
"""

from __future__ import annotations

from formcheck.outputs.set_summary import (
    SIDE_NAMES,
    SetSummary,
    SideSummary,
    finite_float,
    norm_side,
    summarize,
)

__all__ = ["SIDE_NAMES", "SetSummary", "SideSummary", "finite_float", "norm_side", "summarize"]
