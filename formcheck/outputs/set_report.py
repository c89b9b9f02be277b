"""report.json of one set, put together the same way for a file and for a live set.

Both kinds start with the same header (:data:`~formcheck.outputs.report.SCHEMA`, version,
time) and carry the same frame-level reliability part (:func:`reliability_part`: views,
positions, metric summaries, ``not_measurable``; the result's depths marked
``depth_reliable`` by :func:`formcheck.measure.confidence.mark_depths`).
:func:`file_report` adds the video, the processing speed, the output names and the
warnings of a file; :func:`live_report` the camera's frame counts and latency.
"""

from __future__ import annotations

from datetime import UTC, datetime

from formcheck import __version__
from formcheck.measure.confidence import mark_depths, not_measurable, used_metrics, worked_sides
from formcheck.outputs.report import SCHEMA, RunningSummary


def reliability_part(exercise, result: dict | None, summary: RunningSummary) -> dict:
    """The frame-level part of a set's report (``detection_rate``, views, positions, metric
    summaries, ...) plus ``not_measurable``; marks the result's depths that could not be
    trusted (``depth_reliable``), in place. Files and live sets alike."""
    part = summary.to_dict()
    unmeasurable = not_measurable(
        used_metrics(exercise, worked_sides(result)),
        part["metrics"],
        summary.detected,
        part["views"],
    )
    mark_depths(result, exercise, unmeasurable)
    return {**part, "not_measurable": unmeasurable}


def _header(created: str | None) -> dict:
    return {"schema": SCHEMA, "formcheck_version": __version__, "created": created}


def file_report(
    info, reader, n: int, stopped_by_limit: bool, exercise, result: dict | None,
    summary: RunningSummary, camera, elapsed: float, request: dict, write_video: bool,
) -> dict:  # fmt: skip
    """report.json for a file: ``request`` holds the exercise, side, mirrored, settings.

    ``info``: the :class:`~formcheck.video.VideoInfo`; ``reader``: the
    :class:`~formcheck.video.FrameReader` that decoded ``n`` frames (``stopped_by_limit``:
    it stopped at the caller's frame limit); ``exercise``: the definition that ran (None
    for metrics only); ``camera``: the :class:`~formcheck.measure.camera.CameraCheck`.
    """
    expected = info.n_frames
    short_count = bool(expected and n < 0.9 * expected)
    truncated = not stopped_by_limit and (reader.stopped_early or info.truncated or short_count)
    frame_part = reliability_part(exercise, result, summary)
    report = {
        **_header(datetime.now(UTC).isoformat(timespec="seconds")),
        **request,
        "video": {**info.to_dict(), "frames_decoded": n, "truncated": truncated},
        "detection_rate": round(summary.detection_rate, 4),
        **{k: v for k, v in frame_part.items() if k != "detection_rate"},
        "processing": {"seconds": round(elapsed, 2), "fps": round(n / max(elapsed, 1e-9), 2)},
        "result": result,
        "outputs": {
            "report": "report.json",
            "frames": "frames.csv",
            "video": "annotated.mp4" if write_video else None,
        },
    }
    warnings = _truncation_warnings(info, reader, n) if truncated else []
    if n == 1:
        warnings.append("the video has a single frame: nothing can be counted or timed")
    warnings += camera.notes(frame_part["views"])
    if warnings:
        report["warnings"] = warnings
    return report


def _truncation_warnings(info, reader, n: int) -> list[str]:
    """The warning of a file that ended before its last frame."""
    expected = info.n_frames
    of = f" of about {expected}" if expected and expected > n else ""
    why = "was cut short" if (info.truncated or reader.problem == "cut short") else (
        "is damaged or incomplete"
    )  # fmt: skip
    return [
        f"the file {why}: analysed the first {reader.last_t_s:.1f} s ({n}{of} frames) "
        "that could be decoded; the rest is missing"
    ]


def live_report(
    created: str | None, request: dict, rows: list[dict], processing: dict, exercise,
    result: dict | None, summary: RunningSummary,
) -> dict:  # fmt: skip
    """report.json for a live set: ``request`` holds the exercise, side and settings;
    ``rows`` the frames.csv rows kept (:func:`~formcheck.outputs.report.csv_row`);
    ``processing`` the camera's speed and frame counts. The reliability part is there
    when an exercise ran on at least one frame."""
    frame_part = (
        reliability_part(exercise, result, summary) if exercise is not None and summary.frames
        else {}
    )  # fmt: skip
    duration = rows[-1]["t_s"] - rows[0]["t_s"] if len(rows) > 1 else 0.0
    return {
        **_header(created),
        "source": "live",
        **request,
        "video": {"duration_s": round(float(duration), 2), "frames_decoded": len(rows)},
        "frames": len(rows),
        "detection_rate": round(
            sum(r.get("detected", 0) for r in rows) / max(1, len(rows)), 4
        ),  # fmt: skip
        # views, positions, metric summaries, not_measurable (as a file's report has)
        **{k: v for k, v in frame_part.items() if k not in ("frames", "detection_rate")},
        "processing": processing,
        "result": result,
    }
