"""The correction fitter's report tables: raw vs out-of-fold corrected MAE per exercise,
metric and body, and the left/right swaps in side views.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from tools.corrections_models import mae

EVAL = {
    "seated_internal_rotation": ("knee_drop_{s}", "trunk_twist", "pelvis_yaw"),
    "knee_to_knee": ("knee_drop_L", "knee_drop_R", "knee_ankle_ratio"),
    "standing_spine_twist": ("trunk_twist", "pelvis_yaw"),
    "squat_valgus": ("knee_valgus_L", "knee_valgus_R", "trunk_twist"),
    "hip_hinge_rotation": ("trunk_inclination",),
}


def evaluate(clips: list[dict], report: list[str]) -> None:
    """Raw vs out-of-fold corrected MAE per exercise/metric, per body, at the target."""
    report.append("")
    report.append(
        "| exercise | metric | frames | raw MAE | corrected MAE | raw @target | "
        "corrected @target | no-twist frames raw / corrected |"
    )
    report.append("|---|---|---|---|---|---|---|---|")
    per_body = defaultdict(lambda: [[], []])
    for ex, mets in EVAL.items():
        cl = [c for c in clips if c["exercise"] == ex]
        if not cl:
            continue
        for mt in mets:
            er, ec, tr, tc, nr, nc = [], [], [], [], [], []
            for c in cl:
                s = {"left": "L", "right": "R"}.get(c["meta"]["side"], "L")
                name = mt.format(s=s)
                t = c["truth"].get(name)
                if t is None:
                    continue
                r = c["raw"][name]
                cv = c.get("cv", {}).get(name)
                corr = np.where(np.isfinite(cv), cv, r) if cv is not None else r
                ok = np.isfinite(t) & np.isfinite(r)
                er += list((r - t)[ok])
                ec += list((corr - t)[ok])
                m = ok & c["target"]
                tr += list((r - t)[m])
                tc += list((corr - t)[m])
                if mt.startswith("trunk_twist"):
                    tw = c["truth"].get("trunk_twist_true_deg", t)
                    z = ok & (np.abs(tw) < 1.0)
                    nr += list((r - t)[z])
                    nc += list((corr - t)[z])
                pb = per_body[(ex, mt, c["body"])]
                pb[0] += list((r - t)[m])
                pb[1] += list((corr - t)[m])
            if not er:
                continue
            nt = f"{mae(np.array(nr)):.1f} / {mae(np.array(nc)):.1f}" if nr else ""
            report.append(f"| {ex} | {mt} | {len(er)} | {mae(np.array(er)):.1f} | "
                          f"{mae(np.array(ec)):.1f} | {mae(np.array(tr)):.1f} | "
                          f"{mae(np.array(tc)):.1f} | {nt} |")  # fmt: skip
    report.append("")
    report.append("Per body, at the target position (raw -> corrected MAE, deg):")
    report.append("")
    report.append("| exercise | metric | body | raw | corrected |")
    report.append("|---|---|---|---|---|")
    for (ex, mt, b), (r, c) in sorted(per_body.items()):
        if r:
            report.append(
                f"| {ex} | {mt} | {b} | {mae(np.array(r)):.1f} | {mae(np.array(c)):.1f} |"
            )


def swaps_table(clips: list[dict], report: list[str]) -> None:
    report.append("")
    report.append("| clip | view | frames | swap frames raw | with SideStabilizer |")
    report.append("|---|---|---|---|---|")
    for c in clips:
        if c["meta"]["view"] == "side":
            report.append(
                f"| {c['name']} | side | {len(c['view'])} | {c['swaps_raw']} | {c['swaps']} |"
            )
