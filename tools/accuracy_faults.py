"""Injected form faults against the form rules that fired (accuracy benchmark).

A fault injected by the renderer (sidecar ``faults``) counts as caught when one of its
form rules (:data:`FAULT_RULES`) failed in a rep or hold, or its cue fired; on a clean
clip, any rule that fired is a false alarm.
"""

from __future__ import annotations

from collections import Counter

#: Injected fault (sidecar ``faults``) -> ids of the form rules that should catch it.
FAULT_RULES: dict[str, tuple[str, ...]] = {
    "knee_valgus": ("valgus_left", "valgus_right", "knee_ankle_ratio"),
    "trunk_rotation": ("pelvis_forward", "trunk_forward"),
    "pelvis_rotation": ("pelvis_neutral",),
    "squat_not_hinge": ("hinge_not_squat", "hinge_at_hips"),
}


def failed_rules(result: dict) -> list[str]:
    """Ids of the form rules that failed in any rep or hold of the result."""
    out: set[str] = set()
    for item in [*result.get("reps", []), *result.get("holds", [])]:
        for rid, res in (item.get("form") or {}).items():
            if res.get("pass") is False:
                out.add(rid)
    return sorted(out)


def cue_counts(result: dict) -> dict[str, int]:
    """How often each cue message fired (progress messages excluded)."""
    c = Counter(
        e["message"]
        for e in result.get("events", [])
        if e["kind"] == "cue" and not (e.get("data") or {}).get("progress")
    )
    return dict(c)


def rule_cues(exercise_id: str, settings: dict) -> dict[str, str]:
    """Rule id -> cue text of the exercise's form rules (with the settings applied)."""
    from formcheck.exercises import get_exercise

    ex = get_exercise(exercise_id).with_settings(settings or {})
    return {r.id: r.cue for r in ex.rules}


def fired_rules(exercise_id: str, settings: dict, result: dict) -> set[str]:
    """Rules that failed in a rep/hold or whose cue fired during the set."""
    cues = cue_counts(result)
    by_rule = rule_cues(exercise_id, settings)
    fired = {rid for rid, cue in by_rule.items() if cues.get(cue)}
    return fired | set(failed_rules(result))


def fault_detection(
    faults: list[str], exercise_id: str, settings: dict, result: dict
) -> tuple[dict[str, bool | None], list[str]]:
    """(per injected fault: detected? (None = no rule maps to it), false alarms).

    False alarms: rules that fired (failed or cued) without a matching injected fault.
    """
    fired = fired_rules(exercise_id, settings, result)
    detected: dict[str, bool | None] = {}
    expected: set[str] = set()
    for f in faults:
        rules = FAULT_RULES.get(f)
        if rules is None:
            detected[f] = None
            continue
        expected |= set(rules)
        detected[f] = bool(fired & set(rules))
    return detected, sorted(fired - expected)
