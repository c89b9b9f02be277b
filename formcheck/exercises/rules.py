"""Form-rule evaluation: per-frame checks, live cue timing and per-rep/hold summaries.

A rule *fails* for a rep or hold when it is violated for at least ``min_fail_s``
seconds in total (single-frame noise never fails a rep); its *worst* value is
the measured value furthest outside the bound. Live cues fire once a violation
has lasted ``cue_after_s``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from formcheck.exercises.model import FormRule


def applies(rule: FormRule, mode: str, at_bottom: bool) -> bool:
    """Whether ``rule`` is checked on a frame of an active rep/hold/circle/timed stretch.

    Parameters
    ----------
    rule : FormRule
        The rule.
    mode : str
        The exercise's mode (``"reps"``, ``"hold"``, ``"circles"``, ``"timed"``).
    at_bottom : bool
        Reps: primary at or past ``target``; other modes: ignored (always checked).

    Returns
    -------
    bool
    """
    if rule.when == "whole" or mode != "reps":
        return True
    return at_bottom


@dataclass
class RuleTally:
    """One rule over one rep or hold: violated seconds and the worst value.

    Attributes
    ----------
    rule : FormRule
        The rule.
    metric : str
        The resolved metric of the worst value.
    fail_s : float
        Seconds the rule was violated.
    worst_bad : float
        :meth:`FormRule.badness` of the worst value.
    worst_value : float
        The value furthest outside the bounds (metric's unit); NaN until checked.
    checked : bool
        At least one measurable value was added.
    """

    rule: FormRule
    metric: str = ""
    fail_s: float = 0.0
    worst_bad: float = -math.inf
    worst_value: float = math.nan
    checked: bool = False

    def add(self, value: float, metric: str, dt: float) -> None:
        """Add one frame's ``value`` (of resolved ``metric``), lasting ``dt`` seconds.

        Parameters
        ----------
        value : float
            The metric, in its unit; NaN is skipped.
        metric : str
            The resolved metric name.
        dt : float
            The frame's duration, seconds.
        """
        if math.isnan(value):
            return
        self.checked = True
        bad = self.rule.badness(value)
        if bad > self.worst_bad:
            self.worst_bad, self.worst_value, self.metric = bad, value, metric
        if not self.rule.passes(value):
            self.fail_s += dt

    def result(self, min_fail_s: float) -> dict[str, Any]:
        """``{"pass": bool|None, "worst": float|None, "metric": str, "fail_s": float}``.

        Parameters
        ----------
        min_fail_s : float
            Seconds of violation at which the rule fails.

        Returns
        -------
        dict
            ``pass`` and ``worst`` are None when never checked; ``worst`` rounded to 2
            decimals, ``fail_s`` (seconds) to 3.
        """
        if not self.checked:
            return {
                "pass": None,
                "worst": None,
                "metric": self.metric or self.rule.metric,
                "fail_s": 0.0,
            }
        return {
            "pass": self.fail_s < min_fail_s,
            "worst": round(self.worst_value, 2),
            "metric": self.metric,
            "fail_s": round(self.fail_s, 3),
        }


@dataclass
class FormLog:
    """Tallies of every rule over one rep or hold, plus the cues raised during it.

    Attributes
    ----------
    rules : tuple of FormRule
        The rules.
    tallies : dict of str to RuleTally
        Rule id -> its tally (built from ``rules``).
    cues : list of str
        The cues raised.
    """

    rules: tuple[FormRule, ...]
    tallies: dict[str, RuleTally] = field(default_factory=dict)
    cues: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tallies = {r.id: RuleTally(r) for r in self.rules}

    def add(self, rid: str, value: float, metric: str, dt: float) -> None:
        """Add one frame of rule ``rid``.

        Parameters
        ----------
        rid : str
            The rule id.
        value : float
            The metric, in its unit (NaN skipped).
        metric : str
            The resolved metric name.
        dt : float
            The frame's duration, seconds.
        """
        self.tallies[rid].add(value, metric, dt)

    def results(self, min_fail_s: float) -> dict[str, dict[str, Any]]:
        """Rule id -> result dict (see :meth:`RuleTally.result`).

        Parameters
        ----------
        min_fail_s : float
            Seconds of violation at which a rule fails.

        Returns
        -------
        dict of str to dict
        """
        return {rid: t.result(min_fail_s) for rid, t in self.tallies.items()}


class CueTimer:
    """Tracks how long each rule has been failing, to cue only lasting faults.

    Parameters
    ----------
    cue_after_s : float
        Seconds a violation must last before it is cued.
    """

    def __init__(self, cue_after_s: float = 0.3) -> None:
        self.cue_after_s = cue_after_s
        self._since: dict[str, float] = {}

    def update(self, t: float, failing: set[str]) -> list[str]:
        """Rule ids failing for at least ``cue_after_s`` as of time ``t``.

        Parameters
        ----------
        t : float
            Now, seconds.
        failing : set of str
            Rule ids failing this frame (the others are forgotten).

        Returns
        -------
        list of str
        """
        self._since = {rid: self._since.get(rid, t) for rid in failing}
        return [rid for rid, t0 in self._since.items() if t - t0 >= self.cue_after_s - 1e-9]
