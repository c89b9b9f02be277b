"""Bringing a ``formcheck batch`` folder into the history, so its sets show there too.

Each analysed video of the batch becomes one stored set (source ``batch``), dated by the
session's ``recorded`` time, with its per-frame series and annotated video, exactly as
an upload of that video would be stored. Importing the same folder again adds nothing:
each set carries its batch key (input bytes + settings), and a key already stored is
skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from formcheck.app.analysis import bundle
from formcheck.app.store import Store, StoreError
from formcheck.batch.table import read_marker
from formcheck.session import AnalysisResult


@dataclass(frozen=True)
class ImportOutcome:
    """How many sets were added, were there already, or could not be read."""

    imported: int
    already: int
    unreadable: int


def import_batch(store: Store, folder: str | Path) -> ImportOutcome:
    """Store every analysed video of the batch folder ``folder`` (see module docstring).

    Raises :class:`StoreError` when the folder is not a batch folder.
    """
    out = Path(folder).expanduser()
    try:
        doc = json.loads((out / "batch.json").read_text())
    except (OSError, ValueError):
        raise StoreError(f"{out} is not a batch folder (no readable batch.json); "
                         "give the folder `formcheck batch --out` wrote") from None  # fmt: skip
    seen = store.report_values("batch_key", "batch")
    imported = already = unreadable = 0
    for row in doc.get("videos") or []:
        if row.get("status") != "ok":
            continue
        folder_of = out / str(row.get("name"))
        marker = read_marker(folder_of)
        if marker is None:
            unreadable += 1
            continue
        if marker["key"] in seen:
            already += 1
            continue
        video = folder_of / "annotated.mp4"
        try:
            report = json.loads((folder_of / "report.json").read_text())
            res = AnalysisResult(report, folder_of / "report.json", folder_of / "frames.csv",
                                 video if video.is_file() else None)  # fmt: skip
            a = bundle(folder_of, res, "batch", str(row.get("name")))
        except (OSError, ValueError):
            unreadable += 1
            continue
        a.report["batch_key"] = marker["key"]
        a.report["patient"] = row.get("patient") or ""
        store.save(a.report, a.series, source="batch", video=a.video,
                   created=row.get("recorded") or None)  # fmt: skip
        seen.add(marker["key"])
        imported += 1
    return ImportOutcome(imported, already, unreadable)
