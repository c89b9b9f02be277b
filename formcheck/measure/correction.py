"""Bias corrections for MediaPipe-derived metrics, fit on rendered ground truth.

Raw MediaPipe has systematic, view-dependent errors on the movements formcheck
measures (see ``docs/corrections.md``): the seated knee drop reads 10-16 deg shallow at
the bottom, the knees sit mid-shin when the thighs point at the camera (knee-to-knee
filmed from the feet), the world landmarks halve the trunk twist and invent twist where
there is none. Small ridge-regression models, one per metric and camera context, map
what MediaPipe gives (normalised 2D and world landmark geometry, visibilities and the
raw metrics) to the true metric. They were fit by ``tools/fit_corrections.py`` on clips
rendered by ``tools/render_synthetic.py`` (``tools/make_training_set.py``), validated on
held-out bodies and camera set-ups.

The models are plain JSON (feature means/scales, coefficients, intercept), loaded with
the standard library and applied with numpy in well under a millisecond per frame; no
training library is needed at run time. Set ``FORMCHECK_CORRECTION=0`` to switch the
corrections off (raw MediaPipe metrics).

Sided metrics share one model: the right side is evaluated on the mirrored pose (image
x flipped, left/right landmark sets exchanged), which maps it onto the left. Signed
whole-body metrics (twist, yaw) are odd under mirroring, the knee/ankle ratio is even;
their models were fit on both the pose and its mirror image (sign flipped for odd ones).
"""

from __future__ import annotations

import functools
import json
import math
import os
from pathlib import Path

import numpy as np

from formcheck.data import CORRECTIONS_DIR
from formcheck.pose.landmarks import HIP, KNEE, SHOULDER, Side

#: Where the committed model file lives.
MODEL_DIR = CORRECTIONS_DIR
MODEL_FILE = MODEL_DIR / "corrections.json"

#: Feature-set version; a model file built for another version is ignored.
FEATURE_VERSION = 2

#: Left/right mirror pairs over all 33 landmarks.
MIRROR_PAIRS = ((1, 4), (2, 5), (3, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16),
                (17, 18), (19, 20), (21, 22), (23, 24), (25, 26), (27, 28), (29, 30),
                (31, 32))  # fmt: skip
_PERM = np.arange(33)
for _a, _b in MIRROR_PAIRS:
    _PERM[_a], _PERM[_b] = _b, _a

#: Landmarks whose positions enter the features (shoulders, hips, legs, nose).
FEATURE_LANDMARKS = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 0)


def enabled() -> bool:
    """False when ``FORMCHECK_CORRECTION=0`` (default on)."""
    return os.environ.get("FORMCHECK_CORRECTION", "1").strip() not in ("0", "false", "no", "off")


def mirror(
    xy: np.ndarray, vis: np.ndarray, world: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The pose seen in a mirror: image x negated, L/R landmarks exchanged.

    Image x is negated about 0 (the features only use positions relative to the hips, so
    the image width does not matter).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels.
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    world : ndarray, shape (..., 33, 3), or None
        World landmarks, metres (x negated too).

    Returns
    -------
    xy, vis, world : ndarray
        The mirrored arrays, same shapes, float; ``world`` None when given None.
    """
    xy = np.asarray(xy, float)[..., _PERM, :] * np.array([-1.0, 1.0])
    vis = np.asarray(vis, float)[..., _PERM]
    if world is not None:
        world = np.asarray(world, float)[..., _PERM, :] * np.array([-1.0, 1.0, 1.0])
    return xy, vis, world


def _deg(a: np.ndarray) -> np.ndarray:
    return np.degrees(a) / 90.0


def _relative_positions(
    xy: np.ndarray, world: np.ndarray, hip: np.ndarray, tl: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:data:`FEATURE_LANDMARKS` relative to the hip midpoint, in torso lengths.

    Returns ``(p2, p3)``: image positions ``(..., 13, 2)`` (``hip`` and the torso length
    ``tl (..., 1)`` in pixels) and world positions ``(..., 13, 3)``.
    """
    idx = list(FEATURE_LANDMARKS)
    with np.errstate(invalid="ignore", divide="ignore"):
        p2 = (xy[..., idx, :] - hip[..., None, :]) / tl[..., None]
        whip = 0.5 * (world[..., HIP["L"], :] + world[..., HIP["R"], :])
        wsh = 0.5 * (world[..., SHOULDER["L"], :] + world[..., SHOULDER["R"], :])
        wtl = np.linalg.norm(wsh - whip, axis=-1)[..., None]
        p3 = (world[..., idx, :] - whip[..., None, :]) / wtl[..., None]
    return p2, p3


def _leg_features(xy: np.ndarray, world: np.ndarray, hip: np.ndarray, side: str) -> list:
    """Six features of one leg (``side`` "L" or "R"); angles in degrees / 90.

    2D shank tilt toward the midline, the same to the other ankle mirrored about the hip
    midline, shank / thigh length in the image, world shank tilt (signed and from
    vertical) and the cosine of the world knee angle.
    """
    h, k, a = (23, 25, 27) if side == "L" else (24, 26, 28)
    o_hip = 24 if side == "L" else 23
    med = np.where(xy[..., o_hip, 0] - xy[..., h, 0] >= 0, 1.0, -1.0)
    d = xy[..., k, :] - xy[..., a, :]
    out = [_deg(np.arctan2(d[..., 0] * med, -d[..., 1]))]  # 2D shank tilt
    # The same with this ankle replaced by the other ankle mirrored about the hip
    # midline: MediaPipe often drags a dropped leg's foot to the midline, while the
    # feet of these movements stay roughly symmetric.
    o_ank = 28 if side == "L" else 27
    mx = 2.0 * hip[..., 0] - xy[..., o_ank, 0]
    dm = np.stack([xy[..., k, 0] - mx, xy[..., k, 1] - xy[..., o_ank, 1]], axis=-1)
    out.append(_deg(np.arctan2(dm[..., 0] * med, -dm[..., 1])))
    t = xy[..., k, :] - xy[..., h, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        out.append(np.linalg.norm(d, axis=-1) / np.linalg.norm(t, axis=-1))
    wd = world[..., k, :] - world[..., a, :]
    wmed = np.where(world[..., o_hip, 0] - world[..., h, 0] >= 0, 1.0, -1.0)
    out.append(_deg(np.arctan2(wd[..., 0] * wmed, -wd[..., 1])))  # world shank tilt
    out.append(_deg(np.arctan2(np.hypot(wd[..., 0], wd[..., 2]), -wd[..., 1])))
    wt = world[..., k, :] - world[..., h, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        cosk = np.sum(wt * wd, -1) / (np.linalg.norm(wt, axis=-1) * np.linalg.norm(wd, axis=-1))
    out.append(np.clip(cosk, -1, 1))
    return out


def _line_features(xy: np.ndarray, world: np.ndarray, tl: np.ndarray) -> list:
    """Fifteen whole-body features; angles in degrees / 90, ``tl (..., 1)`` in pixels.

    World yaw and image width and height (in torso lengths) of the shoulder, hip, knee
    and ankle lines; the world trunk twist (shoulder yaw minus hip yaw, wrapped); the
    image shoulder / hip width ratio; the torso length in units of 480 pixels.
    """
    out = []
    for li, ri in ((11, 12), (23, 24), (25, 26), (27, 28)):
        dw = world[..., li, :] - world[..., ri, :]
        out.append(_deg(np.arctan2(dw[..., 2], dw[..., 0])))
        d2 = xy[..., li, :] - xy[..., ri, :]
        out.append(d2[..., 0] / tl[..., 0])
        out.append(d2[..., 1] / tl[..., 0])
    sw = world[..., 11, :] - world[..., 12, :]
    hw = world[..., 23, :] - world[..., 24, :]
    tw = np.arctan2(sw[..., 2], sw[..., 0]) - np.arctan2(hw[..., 2], hw[..., 0])
    out.append(_deg((tw + np.pi) % (2 * np.pi) - np.pi))
    with np.errstate(invalid="ignore", divide="ignore"):
        out.append(np.linalg.norm(xy[..., 11, :] - xy[..., 12, :], axis=-1)
                   / np.linalg.norm(xy[..., 23, :] - xy[..., 24, :], axis=-1))  # fmt: skip
    out.append(tl[..., 0] / 480.0)
    return out


def features(xy: np.ndarray, vis: np.ndarray, world: np.ndarray | None) -> np.ndarray:
    """Feature vectors (..., F) for poses ``xy (..., 33, 2)``, ``vis``, ``world``.

    Positions relative to the hip midpoint in torso lengths (2D and world), the
    visibilities, and a few angles MediaPipe's biases depend on.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels.
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    world : ndarray, shape (..., 33, 3), or None
        World landmarks, metres; None counts as all NaN.

    Returns
    -------
    ndarray, shape (..., N_FEATURES)
        Positions in torso lengths, visibilities 0..1, angles in degrees / 90. NaN where
        the input is NaN (the caller decides what to do with it).
    """
    xy = np.asarray(xy, float)
    vis = np.asarray(vis, float)
    lead = xy.shape[:-2]
    if world is None:
        world = np.full((*lead, 33, 3), np.nan)
    world = np.asarray(world, float)
    hip = 0.5 * (xy[..., HIP["L"], :] + xy[..., HIP["R"], :])
    sh = 0.5 * (xy[..., SHOULDER["L"], :] + xy[..., SHOULDER["R"], :])
    tl = np.linalg.norm(sh - hip, axis=-1)[..., None]
    p2, p3 = _relative_positions(xy, world, hip, tl)
    extra = _leg_features(xy, world, hip, "L") + _leg_features(xy, world, hip, "R")
    extra += _line_features(xy, world, tl)
    parts = [
        p2.reshape(*lead, -1),
        p3.reshape(*lead, -1),
        vis[..., list(FEATURE_LANDMARKS)],
        np.stack(extra, axis=-1),
    ]
    return np.concatenate(parts, axis=-1)


N_FEATURES = len(FEATURE_LANDMARKS) * 6 + 6 * 2 + 4 * 3 + 2 + 1


#: Torso length / hip width (image) below which a front view is "looking along the
#: body from the feet" (lying, the thighs pointing at the camera).
FEET_VIEW_RATIO = 1.3


def is_feet_view(xy: np.ndarray, vis: np.ndarray) -> bool:
    """True when the camera looks along a lying body from the feet (knee-to-knee set-up).

    The torso is strongly foreshortened: its image length is short against the hip
    width (under :data:`FEET_VIEW_RATIO`), and the knees are not below the hips as in
    standing or seated.

    Parameters
    ----------
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.
    vis : ndarray, shape (33,)
        Landmark visibility (not used by the test).

    Returns
    -------
    bool
        False too when the torso or hip width is not measurable.
    """
    xy = np.asarray(xy, float)
    hip = 0.5 * (xy[HIP["L"]] + xy[HIP["R"]])
    sh = 0.5 * (xy[SHOULDER["L"]] + xy[SHOULDER["R"]])
    tl = float(np.linalg.norm(sh - hip))
    hw = float(np.linalg.norm(xy[HIP["L"]] - xy[HIP["R"]]))
    if not (math.isfinite(tl) and math.isfinite(hw)) or hw < 1e-6:
        return False
    return tl / hw < FEET_VIEW_RATIO


def context(xy: np.ndarray, vis: np.ndarray, world: np.ndarray | None, view: str,
            position: str) -> str:  # fmt: skip
    """Camera context a model is fit for: ``"<view>/<position>"``.

    The position is ``"lying_feet"`` for a lying body filmed from the feet (see
    :func:`is_feet_view`).

    Parameters
    ----------
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.
    vis : ndarray, shape (33,)
        Landmark visibility, 0..1.
    world : ndarray, shape (33, 3), or None
        World landmarks, metres (not used).
    view : str
        The frame's camera view (``"front"``, ``"side"``, ``"other"``).
    position : str
        The frame's body position label.

    Returns
    -------
    str
        E.g. ``"front/seated"``; ``"front/lying_feet"`` for a front view from the feet.
    """
    if view == "front" and is_feet_view(xy, vis):
        return "front/lying_feet"
    return f"{view}/{position}"


class Model:
    """One correction: ``value = raw + clip(z . coef + intercept [+ tanh(z W1 + b1) . w2])``.

    ``z`` is the standardised features (a ridge fit, optionally a tiny MLP on top); the
    correction is clipped to ``±max_delta``.

    Parameters
    ----------
    d : dict
        One model from the JSON file: ``metric``, ``context``, ``kind`` (``"sided"``,
        ``"odd"`` or ``"even"``), ``mean``, ``scale``, ``coef``, ``intercept``, optional
        ``w1``/``b1``/``w2`` (the MLP), ``max_delta`` (default 30, metric units) and
        ``info``.
    """

    def __init__(self, d: dict):
        self.metric: str = d["metric"]
        self.context: str = d["context"]
        self.kind: str = d["kind"]  # "sided" | "odd" | "even"
        self.mean = np.asarray(d["mean"], float)
        self.scale = np.asarray(d["scale"], float)
        self.coef = np.asarray(d["coef"], float)
        self.intercept = float(d["intercept"])
        # Optional tiny MLP on top of the linear part: tanh(z W1 + b1) w2 (+ linear).
        self.w1 = np.asarray(d["w1"], float) if "w1" in d else None
        self.b1 = np.asarray(d["b1"], float) if "b1" in d else None
        self.w2 = np.asarray(d["w2"], float) if "w2" in d else None
        self.max_delta = float(d.get("max_delta", 30.0))
        self.info = d.get("info", {})

    def delta(self, f: np.ndarray) -> np.ndarray:
        """Correction to add to the raw value for feature rows ``f (..., F)``; NaN if unknown.

        Parameters
        ----------
        f : ndarray, shape (..., F)
            Feature rows (:func:`features`).

        Returns
        -------
        ndarray, shape (...)
            In the metric's units, within ``±max_delta``; NaN where a feature is not finite.
        """
        z = (f - self.mean) / self.scale
        bad = ~np.all(np.isfinite(z), axis=-1)
        z = np.where(np.isfinite(z), z, 0.0)
        y = z @ self.coef + self.intercept
        if self.w1 is not None:
            y = y + np.tanh(z @ self.w1 + self.b1) @ self.w2
        out = np.clip(y, -self.max_delta, self.max_delta)
        return np.where(bad, np.nan, out)


@functools.lru_cache(maxsize=4)
def load_models(path: str | None = None) -> dict[str, dict[str, Model]]:
    """Models from the JSON file: context -> base metric name (``knee_drop``, ...) -> model.

    Parameters
    ----------
    path : str, optional
        The model file; None: :data:`MODEL_FILE`.

    Returns
    -------
    dict of str to dict of str to Model
        Empty when the file is missing or built for another :data:`FEATURE_VERSION`.
        Cached per path.
    """
    p = Path(path) if path else MODEL_FILE
    if not p.is_file():
        return {}
    with open(p) as f:
        data = json.load(f)
    if data.get("feature_version") != FEATURE_VERSION:
        return {}
    out: dict[str, dict[str, Model]] = {}
    for d in data.get("models", []):
        m = Model(d)
        out.setdefault(m.context, {})[m.metric] = m
    return out


def correct(
    values: dict[str, float],
    xy: np.ndarray,
    vis: np.ndarray,
    world: np.ndarray | None,
    ctx: str,
    models: dict[str, dict[str, Model]] | None = None,
) -> dict[str, float]:
    """Corrected copies of the metrics that have a model for this camera context.

    Parameters
    ----------
    values : dict of str to float
        The raw metrics of one frame.
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.
    vis : ndarray, shape (33,)
        Landmark visibility, 0..1.
    world : ndarray, shape (33, 3), or None
        World landmarks, metres.
    ctx : str
        The camera context (:func:`context`).
    models : dict, optional
        Models as from :func:`load_models`; None: the committed ones.

    Returns
    -------
    dict of str to float
        Only the corrected entries (name -> value, the metric's units). A metric whose
        raw value is NaN, or whose features are not all finite, or outside the model's
        domain (:func:`outside_domain`), stays uncorrected (absent from the result).
    """
    models = load_models() if models is None else models
    here = models.get(ctx)
    if not here:
        return {}
    out: dict[str, float] = {}
    # The pose and its mirror image in one batch (the mirror evaluates right-side models).
    mxy, mvis, mworld = mirror(xy, vis, world)
    w = np.stack([np.asarray(world, float), mworld]) if world is not None else None
    f2 = features(np.stack([np.asarray(xy, float), mxy]), np.stack([vis, mvis]), w)
    for base, m in here.items():
        if m.kind == "sided":
            names = [f"{base}_L", f"{base}_R"]
            d = m.delta(f2)
        else:
            names = [base]
            d = m.delta(f2[:1])
        for name, di in zip(names, d, strict=False):
            raw = values.get(name, math.nan)
            if outside_domain(name, ctx, xy):
                continue
            if math.isfinite(raw) and math.isfinite(float(di)):
                out[name] = raw + float(di)
    return out


#: Seated knee-drop models were fit on knees dropping toward the midline; on the
#: training set the knee never sat more than about 1.0 hip widths outside its hip.
#: A knee dropped outward (ball massage: about 2 hip widths) is outside that domain.
SEATED_KNEE_MAX_LATERAL = 1.2


def knee_lateral(xy: np.ndarray, side: str) -> float:
    """How far ``side``'s knee sits outside its hip, in hip widths (image x; + = lateral).

    Parameters
    ----------
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Hip widths, + = lateral; NaN when the hip width is 0 or not finite.
    """
    other = Side.other(side)
    hip, ohip, knee = xy[HIP[side]], xy[HIP[other]], xy[KNEE[side]]
    width = abs(float(ohip[0] - hip[0]))
    if not width or not math.isfinite(width):
        return math.nan
    medial = 1.0 if ohip[0] >= hip[0] else -1.0
    return -float(knee[0] - hip[0]) * medial / width


def outside_domain(name: str, ctx: str, xy: np.ndarray) -> bool:
    """True where a model would extrapolate beyond what it was fit on (keep the raw value).

    Parameters
    ----------
    name : str
        The metric name (with side suffix).
    ctx : str
        The camera context.
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.

    Returns
    -------
    bool
        True for a front/seated knee drop (or the knee/ankle ratio) with a knee more
        than :data:`SEATED_KNEE_MAX_LATERAL` hip widths outside its hip.
    """
    if ctx.startswith("front/seated") and name.startswith("knee_drop_"):
        lat = knee_lateral(np.asarray(xy, float), name[-1])
        return math.isfinite(lat) and lat > SEATED_KNEE_MAX_LATERAL
    if ctx.startswith("front/seated") and name == "knee_ankle_ratio":
        lats = [knee_lateral(np.asarray(xy, float), s) for s in ("L", "R")]
        return any(math.isfinite(v) and v > SEATED_KNEE_MAX_LATERAL for v in lats)
    return False
