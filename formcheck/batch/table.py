"""A batch's table: one row per video, written as ``batch.csv`` and ``batch.json``.

Units: depths and asymmetry in degrees (the exercise's primary measure; ``depth_uncertainty``
the measured ± on them, where there is one), times in
seconds, ``detection_rate`` a fraction of frames (0-1). ``count`` is reps, holds or
circles, or seconds moving for a timed exercise. Both files are replaced atomically, so
a reader never sees half a table.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from formcheck import __version__
from formcheck.batch.jobs import Job
from formcheck.exercises import get_exercise
from formcheck.outputs.report import _clean

#: batch.json's ``schema`` (bump on an incompatible change).
SCHEMA = "formcheck.batch/1"

#: The per-video marker written last into a finished video's folder: the row and its key.
ROW_FILE = "batch_row.json"

#: batch.csv's columns, in order (batch.json's rows carry the same keys plus ``outputs``).
COLUMNS = (
    "video", "name", "status", "error", "reused", "exercise", "title", "mode", "side",
    "patient", "recorded", "count", "count_left", "count_right", "best_depth",
    "average_depth", "depth_uncertainty", "hold_s", "longest_hold_s", "asymmetry", "top_cues",
    "detection_rate", "duration_s", "seconds", "input_sha256",
)  # fmt: skip


def _title(exercise: str | None) -> tuple[str, str]:
    if not exercise:
        return "", ""
    try:
        ex = get_exercise(exercise)
    except Exception:  # noqa: BLE001 - an unknown id is reported by the job itself
        return exercise, ""
    return ex.title, ex.mode


def _base(job: Job) -> dict:
    title, mode = _title(job.exercise)
    row = dict.fromkeys(COLUMNS)
    row.update(video=job.video, name=job.name, exercise=job.exercise or "", title=title,
               mode=mode, side=job.side, patient=job.patient, recorded=job.recorded,
               reused=False, error="", top_cues="")  # fmt: skip
    row["outputs"] = None
    return row


def failed_row(job: Job, message: str, seconds: float = 0.0) -> dict:
    """The row of a video that could not be analysed (``message``: one line).

    Parameters
    ----------
    job : Job
        The video's job.
    message : str
        Why; whitespace is collapsed to one line.
    seconds : float
        Wall-clock seconds spent on it.

    Returns
    -------
    dict
        The :data:`COLUMNS` (plus ``outputs``), ``status`` ``"failed"``.
    """
    row = _base(job)
    row.update(status="failed", error=" ".join(str(message).split()), seconds=round(seconds, 2))
    return row


def _num(v, nd: int = 2):
    return None if v is None else round(float(v), nd)


def row_from_report(job: Job, report: dict, input_sha256: str, seconds: float) -> dict:
    """The row of an analysed video, from its ``report.json`` dict.

    Parameters
    ----------
    job : Job
        The video's job.
    report : dict
        Its ``report.json`` content.
    input_sha256 : str
        The video file's SHA-256 (hex).
    seconds : float
        Wall-clock seconds the analysis took.

    Returns
    -------
    dict
        The :data:`COLUMNS` (units in the module docstring; depths only from sides whose
        depth is reliable) plus ``outputs``: output name -> path relative to the batch
        folder.
    """
    row = _base(job)
    res = report.get("result") or {}
    per = res.get("per_side") or {}
    mode = res.get("mode") or row["mode"]
    key = "timed_s" if mode == "timed" else ("circles" if mode == "circles" else "count")

    def count(side: str):
        d = per.get(side)
        return None if not isinstance(d, dict) else _num(d.get(key, 0), 1)

    sides = [d for d in per.values() if isinstance(d, dict)]
    trusted = [d for d in sides if d.get("depth_reliable") is not False]
    bests = [d["best_depth"] for d in trusted if d.get("best_depth") is not None]
    avgs = [d["average_depth"] for d in trusted if d.get("average_depth") is not None]
    pms = [d["depth_uncertainty"] for d in trusted if d.get("depth_uncertainty") is not None]
    holds = [d.get("total_hold_s") or 0.0 for d in sides]
    longest = [d.get("longest_hold_s") or 0.0 for d in sides]
    asym = res.get("asymmetry") or {}
    cues = sorted((res.get("top_cues") or {}).items(), key=lambda kv: -kv[1])[:3]
    row.update(
        status="ok", mode=mode,
        count=_num(sum(count(s) or 0 for s in per), 1) if per else 0,
        count_left=count("left"), count_right=count("right"),
        best_depth=_num(max(bests)) if bests else None,
        average_depth=_num(sum(avgs) / len(avgs)) if avgs else None,
        depth_uncertainty=_num(max(pms), 1) if pms and bests else None,
        hold_s=_num(sum(holds)) if mode == "hold" else None,
        longest_hold_s=_num(max(longest)) if mode == "hold" and longest else None,
        asymmetry=_num(asym.get("diff")) if isinstance(asym, dict) else None,
        top_cues="; ".join(c for c, _ in cues),
        detection_rate=_num(report.get("detection_rate"), 4),
        duration_s=_num((report.get("video") or {}).get("duration_s")),
        seconds=round(seconds, 2), input_sha256=input_sha256,
    )  # fmt: skip
    outs = report.get("outputs") or {}
    row["outputs"] = {k: (f"{job.name}/{v}" if v else None) for k, v in outs.items()}
    return row


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_text(rows: list[dict]) -> str:
    """batch.csv's text: the :data:`COLUMNS`, one line per row (empty cells for None).

    Parameters
    ----------
    rows : list of dict
        The rows (other keys are ignored).

    Returns
    -------
    str
    """
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r[k]) for k in COLUMNS})
    return buf.getvalue()


def batch_document(rows: list[dict], options: dict | None = None) -> dict:
    """batch.json's content: schema, version, time, the batch's options, the rows.

    Parameters
    ----------
    rows : list of dict
        The rows.
    options : dict, optional
        The batch's options.

    Returns
    -------
    dict
        ``schema``, ``formcheck_version``, ``created`` (UTC, ISO 8601), ``options``,
        ``videos``.
    """
    return {
        "schema": SCHEMA,
        "formcheck_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": options or {},
        "videos": _clean(rows),
    }


def write_tables(out: Path, rows: list[dict], options: dict | None = None) -> dict:
    """Write ``batch.csv`` and ``batch.json`` into ``out`` (atomically).

    Parameters
    ----------
    out : Path
        The batch folder.
    rows : list of dict
        The rows.
    options : dict, optional
        The batch's options.

    Returns
    -------
    dict
        The JSON document (:func:`batch_document`).
    """
    doc = batch_document(rows, options)
    _atomic_write(out / "batch.csv", csv_text(rows))
    _atomic_write(out / "batch.json", json.dumps(doc, indent=1))
    return doc


def read_marker(folder: Path) -> dict | None:
    """A finished video folder's marker (``{"key": ..., "row": {...}}``), or None.

    Parameters
    ----------
    folder : Path
        The video's folder.

    Returns
    -------
    dict or None
        None when the marker is missing, unreadable or malformed.
    """
    try:
        data = json.loads((folder / ROW_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "key" in data and "row" in data else None


def write_marker(folder: Path, key: str, row: dict) -> None:
    """Write the marker that says ``folder`` is complete (the last file written).

    Parameters
    ----------
    folder : Path
        The video's folder.
    key : str
        The job's key (:func:`~formcheck.batch.jobs.job_key`).
    row : dict
        The video's row.
    """
    _atomic_write(folder / ROW_FILE, json.dumps({"key": key, "row": _clean(row)}, indent=1))
