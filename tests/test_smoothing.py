"""One-Euro filter on noisy known signals."""

from __future__ import annotations

import math

import numpy as np

from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.smoothing import OneEuroFilter, PoseSmoother


def _run(f: OneEuroFilter, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.array([f(ti, xi) for ti, xi in zip(t, x, strict=True)])


def test_reduces_jitter_on_a_hold():
    rng = np.random.default_rng(0)
    t = np.arange(300) / 30.0
    truth = np.full_like(t, 0.5)
    noisy = truth + rng.normal(0, 0.01, t.size)
    out = _run(OneEuroFilter(), t, noisy)
    raw_err = np.sqrt(np.mean((noisy[30:] - truth[30:]) ** 2))
    filt_err = np.sqrt(np.mean((out[30:] - truth[30:]) ** 2))
    assert filt_err < 0.5 * raw_err


def test_follows_a_fast_movement_with_little_lag():
    rng = np.random.default_rng(1)
    t = np.arange(0, 4, 1 / 30)
    truth = 0.5 + 0.2 * np.sin(2 * np.pi * 0.5 * t)  # a rep every 2 s, 0.2 amplitude
    noisy = truth + rng.normal(0, 0.005, t.size)
    out = _run(OneEuroFilter(), t, noisy)
    # Peak of the filtered signal within 0.15 s of the true peak and 90% of its amplitude.
    assert abs(t[np.argmax(out[:45])] - t[np.argmax(truth[:45])]) <= 0.15
    assert out[:45].max() - 0.5 > 0.9 * 0.2
    assert np.sqrt(np.mean((out - truth) ** 2)) < np.sqrt(np.mean((noisy - truth) ** 2)) + 0.01


def test_nan_gap_resets_without_dragging_old_values():
    f = OneEuroFilter()
    for i in range(30):
        f(i / 30, np.array([0.2, 0.2]))
    gap = f(1.0, np.array([np.nan, 0.2]))
    assert math.isnan(gap[0]) and gap[1] == 0.2
    back = f(1.1, np.array([0.9, 0.2]))
    assert back[0] == 0.9  # restarts at the new value, not pulled toward 0.2


def test_pose_smoother_keeps_units_and_resets_on_missing_person():
    s = PoseSmoother()
    xy = np.full((33, 2), 100.0)
    vis = np.ones(33)
    a = s(PoseFrame(0, 0.0, 640, 480, xy, vis, None, 1))
    assert np.allclose(a.xy, 100.0)
    b = s(PoseFrame(1, 1 / 30, 640, 480, xy + 50, vis, None, 1))
    assert np.all((b.xy > 100) & (b.xy < 150))
    s(PoseFrame(2, 2 / 30, 640, 480))
    c = s(PoseFrame(3, 3 / 30, 640, 480, xy + 300, vis, None, 1))
    assert np.allclose(c.xy, 400.0)
