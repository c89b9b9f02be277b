"""Which videos a batch analyses, and with what: inputs (files, folders, globs) and a plan.

A plan is a CSV file with a header row. Columns (only ``video`` is required):

- ``video``: a path (relative to the plan's folder) or a file name matched against the
  inputs' file names;
- ``exercise`` (an id from ``formcheck exercises``), ``side`` (auto, left, right),
  ``patient`` (any text), ``recorded`` (the session's date, ISO ``YYYY-MM-DD[THH:MM]``;
  default: the file's modification time), ``mirrored`` (yes/no);
- ``settings``: exercise setting overrides, ``name=value`` pairs separated by ``;``.

Where neither the plan nor ``--exercise`` names the exercise, a video whose file name
contains an exercise id (``squat_valgus__good.mp4``) is analysed as that exercise.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from formcheck import __version__
from formcheck.exercises import CATALOGUE

#: File name endings taken as videos when a folder is given.
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv")

_TRUE = {"1", "yes", "y", "true", "mirrored"}
_FALSE = {"", "0", "no", "n", "false"}


class PlanError(Exception):
    """The inputs or the plan cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Options:
    """Settings that apply to every video of a batch.

    Attributes
    ----------
    write_video : bool
        Write annotated.mp4.
    analysis_fps : float or None
        Frames per second analysed; None = every frame.
    """

    write_video: bool = True
    analysis_fps: float | None = None


@dataclass(frozen=True)
class Job:
    """One video to analyse.

    Attributes
    ----------
    video : str
        The video's path.
    name : str
        Its output folder's name inside the batch folder.
    exercise : str or None
        The exercise id; None means the exercise could not be chosen (the job fails with
        ``problem``).
    side : str
        ``"auto"``, ``"left"`` or ``"right"``.
    patient : str
        Any text.
    recorded : str
        The session's date, ISO 8601.
    mirrored : bool
        The video is mirrored.
    settings : dict
        Exercise setting overrides.
    problem : str
        Why the job cannot run ("" when it can).
    """

    video: str
    name: str
    exercise: str | None
    side: str = "auto"
    patient: str = ""
    recorded: str = ""
    mirrored: bool = False
    settings: dict = field(default_factory=dict)
    problem: str = ""

    def to_dict(self) -> dict:
        """The job's fields as a dict (``dataclasses.asdict``)."""
        return asdict(self)


@dataclass(frozen=True)
class PlanRow:
    """One row of ``plan.csv`` (empty strings where a column is missing).

    Attributes
    ----------
    video : str
        A path relative to the plan's folder, or a bare file name.
    exercise, side, patient, recorded : str
        As in the plan (see the module docstring).
    mirrored : bool
        The plan's ``mirrored`` column.
    settings : dict
        Setting overrides parsed from ``name=value;...`` (numbers as float).
    """

    video: str
    exercise: str = ""
    side: str = ""
    patient: str = ""
    recorded: str = ""
    mirrored: bool = False
    settings: dict = field(default_factory=dict)


def collect_videos(inputs: list[str]) -> list[Path]:
    """The video files named by ``inputs``, each once, sorted by path.

    Parameters
    ----------
    inputs : list of str
        Files, folders (searched recursively for :data:`VIDEO_SUFFIXES`, hidden parts
        skipped) and globs.

    Returns
    -------
    list of Path

    Raises
    ------
    PlanError
        An input that names nothing.
    """
    found: dict[str, Path] = {}
    for item in inputs:
        p = Path(item).expanduser()
        if p.is_dir():
            hits = [q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in VIDEO_SUFFIXES
                    and not any(part.startswith(".") for part in q.relative_to(p).parts)]
        elif p.is_file():
            hits = [p]
        elif glob.has_magic(item):
            hits = [Path(q) for q in glob.glob(str(p), recursive=True) if Path(q).is_file()]
        else:
            raise PlanError(f"{item}: no such file or folder")
        if not hits and not p.is_dir():
            raise PlanError(f"{item}: matches no file")
        for q in hits:
            found.setdefault(str(q.resolve()), q)
    return [found[k] for k in sorted(found)]


def _parse_settings(text: str, where: str) -> dict:
    out: dict = {}
    for part in filter(None, (t.strip() for t in text.split(";"))):
        if "=" not in part:
            raise PlanError(f"{where}: settings take name=value pairs separated by ';', "
                            f"got {part!r}")  # fmt: skip
        k, v = (t.strip() for t in part.split("=", 1))
        try:
            out[k] = float(v)
        except ValueError:
            out[k] = v
    return out


def _parse_bool(text: str, where: str) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise PlanError(f"{where}: mirrored must be yes or no, got {text!r}")


def read_plan(path: str | Path) -> list[PlanRow]:
    """The rows of a plan CSV. Raises :class:`PlanError` with the line that is wrong.

    Parameters
    ----------
    path : str or Path
        The plan file (UTF-8, a header row with a ``video`` column).

    Returns
    -------
    list of PlanRow
        Rows with an empty ``video`` are skipped.

    Raises
    ------
    PlanError
        The file cannot be read or a row is invalid.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise PlanError(f"cannot read the plan {p}: {e.strerror or e}") from None
    reader = csv.DictReader(text.splitlines())
    cols = [c.strip().lower() for c in reader.fieldnames or []]
    if "video" not in cols:
        raise PlanError(f"{p.name}: the plan needs a header row with a 'video' column "
                        "(and optionally exercise, side, patient, recorded, mirrored, settings)")
    rows = []
    for n, raw in enumerate(reader, start=2):
        r = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        where = f"{p.name} line {n}"
        if not r.get("video"):
            continue
        ex = r.get("exercise", "")
        if ex and ex not in CATALOGUE:
            raise PlanError(f"{where}: unknown exercise {ex!r}; choose one of: "
                            + ", ".join(CATALOGUE))
        side = r.get("side", "") or ""
        if side not in ("", "auto", "left", "right"):
            raise PlanError(f"{where}: side must be auto, left or right, got {side!r}")
        rec = r.get("recorded", "")
        if rec:
            try:
                datetime.fromisoformat(rec)
            except ValueError:
                raise PlanError(f"{where}: recorded must be a date like 2026-12-04, "
                                f"got {rec!r}") from None
        rows.append(PlanRow(video=r["video"], exercise=ex, side=side,
                            patient=r.get("patient", ""), recorded=rec,
                            mirrored=_parse_bool(r.get("mirrored", ""), where),
                            settings=_parse_settings(r.get("settings", ""), where)))
    return rows


def exercise_from_name(name: str) -> str | None:
    """The exercise id contained in a file name (the longest one), or None.

    Parameters
    ----------
    name : str
        A file name or path; its stem is searched, case-insensitively.

    Returns
    -------
    str or None
    """
    stem = Path(name).stem.lower()
    hits = [ex for ex in CATALOGUE if re.search(rf"(^|[^a-z]){re.escape(ex)}($|[^a-z])", stem)]
    return max(hits, key=len) if hits else None


def _mtime_iso(p: Path) -> str:
    try:
        return datetime.fromtimestamp(p.stat().st_mtime, UTC).isoformat(timespec="seconds")
    except OSError:
        return ""


def _unique_names(videos: list[Path]) -> list[str]:
    """Output folder names: the file's stem, made unique with ``-2``, ``-3``... in order."""
    seen: dict[str, int] = {}
    out = []
    for v in videos:
        base = re.sub(r"[^\w.-]+", "_", v.stem).strip("._") or "video"
        n = seen.get(base.lower(), 0) + 1
        seen[base.lower()] = n
        out.append(base if n == 1 else f"{base}-{n}")
    return out


def make_jobs(
    inputs: list[str], exercise: str | None = None, plan: str | Path | None = None,
    side: str = "auto", settings: dict | None = None, mirrored: bool = False,
) -> list[Job]:  # fmt: skip
    """The jobs of a batch, in a stable order (sorted by path).

    So a re-run finds its earlier outputs. With a plan and no inputs, the plan's videos
    are the inputs. A plan row's values win over the arguments.

    Parameters
    ----------
    inputs : list of str
        Files, folders and globs (:func:`collect_videos`).
    exercise : str, optional
        The exercise id for videos the plan does not name one for (else taken from the
        file name).
    plan : str or Path, optional
        A plan CSV (:func:`read_plan`).
    side : str
        ``"auto"``, ``"left"`` or ``"right"``.
    settings : dict, optional
        Setting overrides for every video.
    mirrored : bool
        The videos are mirrored.

    Returns
    -------
    list of Job

    Raises
    ------
    PlanError
        An unknown exercise, no videos, or a bad input or plan.
    """
    if exercise is not None and exercise not in CATALOGUE:
        raise PlanError(f"unknown exercise {exercise!r}; choose one of: {', '.join(CATALOGUE)}")
    rows = read_plan(plan) if plan else []
    base = Path(plan).resolve().parent if plan else Path.cwd()
    if not inputs and rows:
        inputs = [str(base / r.video) for r in rows]
    if not inputs:
        raise PlanError("no videos given: name files, folders or globs, or a plan")
    videos = collect_videos(inputs)
    if not videos:
        raise PlanError("no video files found in " + ", ".join(inputs))
    by_path = {str((base / r.video).resolve()): r for r in rows}
    by_name = {r.video: r for r in rows if Path(r.video).name == r.video}  # bare file names
    jobs = []
    for v, name in zip(videos, _unique_names(videos), strict=True):
        row = by_path.get(str(v.resolve())) or by_name.get(v.name)
        ex = (row.exercise if row and row.exercise else None) or exercise or exercise_from_name(
            v.name)
        problem = "" if ex else (
            "no exercise for this video: add it to the plan or pass --exercise"
        )  # fmt: skip
        jobs.append(Job(
            video=str(v), name=name, exercise=ex,
            side=(row.side if row and row.side else side) or "auto",
            patient=row.patient if row else "",
            recorded=(row.recorded if row and row.recorded else "") or _mtime_iso(v),
            mirrored=row.mirrored if row and row.mirrored else mirrored,
            settings={**(settings or {}), **(row.settings if row else {})},
            problem=problem,
        ))  # fmt: skip
    return jobs


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes (hex).

    Parameters
    ----------
    path : str or Path
        The file.
    chunk : int
        Bytes read at a time.

    Returns
    -------
    str
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def job_key(job: Job, options: Options, input_sha256: str) -> str:
    """What makes two runs of a video the same.

    Its bytes, the analysis settings and the formcheck version.

    Parameters
    ----------
    job : Job
        The job.
    options : Options
        The batch's options.
    input_sha256 : str
        The video's :func:`file_sha256`.

    Returns
    -------
    str
        Hex SHA-256.
    """
    what = {"input": input_sha256, "exercise": job.exercise, "side": job.side,
            "mirrored": job.mirrored, "settings": job.settings, "version": __version__,
            "options": asdict(options)}  # fmt: skip
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()
