"""Session report: per-metric summaries, JSON and per-frame CSV export.

:func:`csv_row` is one frames.csv row of a processed frame; the report.json of a set is
put together by :mod:`formcheck.outputs.set_report`.

The JSON format is versioned by its top-level ``"schema"`` key
(:data:`SCHEMA`). Files are written atomically (temp name + rename).
"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.measure.confidence import is_reliable
from formcheck.measure.registry import METRIC_NAMES

SCHEMA = "formcheck.report/1"

#: Columns of frames.csv, in order. Metric values in the units of registry.METRICS.
CSV_COLUMNS: tuple[str, ...] = (
    "frame", "t_s", "detected", "n_people", "view", "position", *METRIC_NAMES,
    "primary_metric", "primary", "primary_reliable", "phase", "count", "cue",
)  # fmt: skip


def csv_row(pf) -> dict:
    """One frames.csv row for a processed frame (:class:`~formcheck.processor.ProcessedFrame`:
    ``metrics`` and the tracker's ``state``, or None)."""
    fm = pf.metrics
    row = {
        "frame": fm.index,
        "t_s": fm.t_s,
        "detected": int(fm.detected),
        "n_people": fm.n_people,
        "view": fm.view if fm.detected else "",
        "position": fm.position if fm.detected else "",
        **fm.values,
    }
    st = pf.state
    if st is not None:
        # The tracker's own primary value (it may be derived from several metrics).
        row["primary_metric"] = getattr(st, "primary_metric", "") or ""
        row["primary"] = getattr(st, "primary_value", math.nan)
        flags = getattr(fm, "reliable", None)
        ok = is_reliable(flags, row["primary_metric"]) if fm.detected and flags else None
        row["primary_reliable"] = "" if ok is None else int(ok)
        row["phase"] = getattr(st, "phase", "")
        counts = getattr(st, "counts", {}) or {}
        row["count"] = sum(counts.values()) if counts else ""
        row["cue"] = getattr(st, "cue", "") or ""
    return row


@dataclass
class MetricSummary:
    """Running min / mean / max of one metric over the frames where it was measurable."""

    n: int = 0
    total: float = 0.0
    lo: float = math.inf
    hi: float = -math.inf
    reliable: int = 0

    def add(self, v: float, reliable: bool = True) -> None:
        """Include one value (NaN is ignored); ``reliable``: trusted in this frame."""
        if v is None or not math.isfinite(v):
            return
        self.reliable += bool(reliable)
        self.n += 1
        self.total += v
        self.lo = min(self.lo, v)
        self.hi = max(self.hi, v)

    def to_dict(self) -> dict:
        """``{min, mean, max, measurable_frames, reliable_frames}``; None values when never
        measured. ``reliable_frames``: frames where the value could be trusted in that view
        (:mod:`formcheck.measure.confidence`)."""
        if not self.n:
            return {"min": None, "mean": None, "max": None, "measurable_frames": 0,
                    "reliable_frames": 0}  # fmt: skip
        return {
            "min": round(self.lo, 2),
            "mean": round(self.total / self.n, 2),
            "max": round(self.hi, 2),
            "measurable_frames": self.n,
            "reliable_frames": self.reliable,
        }


@dataclass
class RunningSummary:
    """Accumulates what the report says about all frames, in constant memory."""

    frames: int = 0
    detected: int = 0
    several_people: int = 0
    views: dict[str, int] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, MetricSummary] = field(
        default_factory=lambda: {k: MetricSummary() for k in METRIC_NAMES}
    )

    def add(self, detected: bool, n_people: int, view: str, position: str, values: dict,
            reliable: dict | None = None) -> None:  # fmt: skip
        """Include one frame (``reliable``: per-metric trust flags; None = all trusted)."""
        self.frames += 1
        if detected:
            self.detected += 1
            self.views[view] = self.views.get(view, 0) + 1
            self.positions[position] = self.positions.get(position, 0) + 1
        if n_people > 1:
            self.several_people += 1
        for k, m in self.metrics.items():
            m.add(values.get(k, math.nan), True if reliable is None else reliable.get(k, False))

    @property
    def detection_rate(self) -> float:
        """Share of frames with a person (0..1)."""
        return self.detected / self.frames if self.frames else 0.0

    def to_dict(self) -> dict:
        """Frame-level part of the report."""
        share = {k: round(v / max(1, self.detected), 3) for k, v in sorted(self.views.items())}
        pos = {k: round(v / max(1, self.detected), 3) for k, v in sorted(self.positions.items())}
        return {
            "frames": self.frames,
            "detection_rate": round(self.detection_rate, 4),
            "frames_with_several_people": self.several_people,
            "views": share,
            "positions": pos,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
        }


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent, suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _clean(obj):
    """Replace NaN/inf floats by None so the JSON is standard."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def write_json(path: str | os.PathLike, report: dict) -> None:
    """Write ``report`` as pretty JSON (NaN -> null), atomically."""
    _atomic_write(Path(path), lambda fh: json.dump(_clean(report), fh, indent=2))


#: frames.csv columns read back as text (every other column is a number).
TEXT_COLUMNS = frozenset({"view", "position", "primary_metric", "phase", "cue"})


def _read_back(column: str, cell: object) -> object:
    """A frames.csv cell as :func:`read_frames_csv` reads it: text as text, numbers as
    floats, NaN where empty."""
    if column in TEXT_COLUMNS:
        return "" if cell is None else str(cell)
    return float(cell) if cell not in ("", None) else math.nan


class CsvSink:
    """Streams per-frame rows to ``frames.csv`` (temp file, renamed on :meth:`close`).

    ``rows`` keeps every row written as :func:`read_frames_csv` would read it back
    (rounded to 3 decimals, NaN where empty), so a caller has them without reading the
    file again.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent, suffix=".csv")
        self._tmp = Path(tmp)
        self._fh = os.fdopen(fd, "w", newline="", encoding="utf-8")
        self._w = csv.writer(self._fh)
        self._w.writerow(CSV_COLUMNS)
        self.rows: list[dict] = []

    def write(self, row: dict) -> None:
        """Write one frame; floats rounded to 3 decimals, NaN as empty."""
        out = []
        for k in CSV_COLUMNS:
            v = row.get(k, "")
            if isinstance(v, float):
                v = "" if not math.isfinite(v) else round(v, 3)
            elif v is None:
                v = ""
            out.append(v)
        self._w.writerow(out)
        self.rows.append({k: _read_back(k, v) for k, v in zip(CSV_COLUMNS, out, strict=True)})

    def close(self) -> None:
        """Finish the file and move it into place."""
        self._fh.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the partial file."""
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


def read_frames_csv(path: str | os.PathLike) -> list[dict]:
    """Read a frames.csv back: numbers as floats (NaN where empty), text as text."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: _read_back(k, v) for k, v in r.items()} for r in csv.DictReader(fh)]
