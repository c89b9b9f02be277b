"""Draws the skeleton, joint angles, counters and cues onto an RGB frame.

One job, one call: ``annotate(rgb, pose, labels, hud) -> rgb`` (a new array;
the input is not modified). Colours are RGB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.pose.landmarks import SKELETON, VISIBILITY_THRESHOLD, PoseFrame

GOOD = (60, 220, 90)
WARN = (255, 170, 0)
BAD = (240, 60, 60)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
BONE = (90, 200, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class AngleLabel:
    """An angle value written next to a landmark (``landmark`` index, pixels)."""

    landmark: int
    text: str
    colour: tuple[int, int, int] = WHITE


@dataclass(frozen=True)
class Hud:
    """Heads-up text: top-left lines (time, exercise, counts), a big cue, a hold bar."""

    lines: list[str] = field(default_factory=list)
    cue: str | None = None
    cue_colour: tuple[int, int, int] = WARN
    hold_fraction: float | None = None  # 0..1 progress of the current hold
    hold_text: str | None = None


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour, thick: int):
    """Text on a dark, half-transparent box (readable on any background).

    A box rather than a thicker black stroke: OpenCV's glyph advance grows with
    the stroke thickness, so an outline drawn thicker would not line up.
    """
    (tw, th), base = cv2.getTextSize(text, FONT, scale, thick)
    x, y = org
    pad = max(2, thick * 2)
    x0, y0 = max(0, x - pad), max(0, y - th - pad)
    x1, y1 = min(img.shape[1], x + tw + pad), min(img.shape[0], y + base + pad)
    if x1 > x0 and y1 > y0:
        roi = img[y0:y1, x0:x1]
        roi[:] = (roi.astype(np.uint16) * 2 // 5).astype(np.uint8)
    cv2.putText(img, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _wrap(text: str, max_chars: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > max_chars:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return lines


def annotate(
    rgb: np.ndarray,
    pose: PoseFrame | None,
    labels: list[AngleLabel] | None = None,
    hud: Hud | None = None,
) -> np.ndarray:
    """Return a copy of ``rgb`` with the pose, angle labels and HUD drawn on it."""
    img = np.ascontiguousarray(rgb).copy()
    h, w = img.shape[:2]
    s = max(0.4, min(w, h) / 720)  # text scale follows the frame size
    thick = max(1, round(2 * s))
    if pose is not None and pose.detected:
        xy = np.asarray(pose.xy)
        vis = np.asarray(pose.vis)
        sx, sy = w / pose.width, h / pose.height
        pts = [(int(x * sx), int(y * sy)) if math.isfinite(x) else None for x, y in xy]
        for a, b in SKELETON:
            if pts[a] and pts[b] and min(vis[a], vis[b]) >= VISIBILITY_THRESHOLD:
                cv2.line(img, pts[a], pts[b], BONE, thick + 1, cv2.LINE_AA)
        for i in range(11, 33):
            if pts[i] and vis[i] >= VISIBILITY_THRESHOLD:
                cv2.circle(img, pts[i], thick + 2, WHITE, -1, cv2.LINE_AA)
        for lab in labels or []:
            p = pts[lab.landmark]
            if p and vis[lab.landmark] >= VISIBILITY_THRESHOLD:
                # MediaPipe: odd indices are the person's left, even their right. Right-side
                # labels go left of the joint so both knees' values stay readable.
                x = p[0] + int(10 * s)
                if lab.landmark % 2 == 0:
                    (tw, _), _ = cv2.getTextSize(lab.text, FONT, 0.7 * s, thick)
                    x = p[0] - int(10 * s) - tw
                _text(img, lab.text, (x, p[1] - int(10 * s)), 0.7 * s, lab.colour, thick)
    if hud is not None:
        y = int(30 * s)
        for line in hud.lines:
            _text(img, line, (int(10 * s), y), 0.7 * s, WHITE, thick)
            y += int(30 * s)
        if hud.hold_fraction is not None:
            x0, y0, bw, bh = int(10 * s), y, int(w * 0.4), int(16 * s)
            frac = min(1.0, max(0.0, hud.hold_fraction))
            cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), WHITE, 1)
            cv2.rectangle(img, (x0, y0), (x0 + int(bw * frac), y0 + bh), GOOD, -1)
            if hud.hold_text:
                _text(img, hud.hold_text, (x0 + bw + int(8 * s), y0 + bh), 0.6 * s, WHITE, thick)
        if hud.cue:
            lines = _wrap(hud.cue, max(12, int(w / (18 * s))))
            y = h - int(20 * s) - int(36 * s) * (len(lines) - 1)
            for line in lines:
                _text(img, line, (int(12 * s), y), 1.0 * s, hud.cue_colour, thick + 1)
                y += int(36 * s)
    return img
