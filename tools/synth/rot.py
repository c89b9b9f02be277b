"""Rotation helpers. Matrices are 3x3 (or batched (N, 3, 3)) numpy float64 arrays.

Angles are in radians unless a name ends in ``_deg``. Axes follow anny's world frame:
Z up, the body faces -Y, +X is the person's left.
"""

from __future__ import annotations

import numpy as np


def _stack(c: np.ndarray, s: np.ndarray, axis: int) -> np.ndarray:
    """Batched elementary rotation about ``axis`` (0=x, 1=y, 2=z), right-handed."""
    c = np.asarray(c, dtype=float)
    s = np.asarray(s, dtype=float)
    out = np.zeros((*c.shape, 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    out[..., axis, axis] = 1.0
    out[..., i, i] = c
    out[..., j, j] = c
    out[..., i, j] = -s
    out[..., j, i] = s
    return out


def rx(a: np.ndarray | float) -> np.ndarray:
    """Rotation about +X by ``a`` radians (batched over the shape of ``a``)."""
    return _stack(np.cos(a), np.sin(a), 0)


def ry(a: np.ndarray | float) -> np.ndarray:
    """Rotation about +Y by ``a`` radians."""
    return _stack(np.cos(a), np.sin(a), 1)


def rz(a: np.ndarray | float) -> np.ndarray:
    """Rotation about +Z by ``a`` radians."""
    return _stack(np.cos(a), np.sin(a), 2)


def axis_angle(axis: np.ndarray, a: np.ndarray | float) -> np.ndarray:
    """Rotation by ``a`` radians about unit-normalised ``axis`` (..., 3) (Rodrigues)."""
    axis = np.asarray(axis, dtype=float)
    axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    a = np.asarray(a, dtype=float)
    x, y, z = axis[..., 0], axis[..., 1], axis[..., 2]
    c, s = np.cos(a), np.sin(a)
    t = 1.0 - c
    out = np.empty((*np.broadcast_shapes(x.shape, a.shape), 3, 3))
    out[..., 0, 0] = c + x * x * t
    out[..., 0, 1] = x * y * t - z * s
    out[..., 0, 2] = x * z * t + y * s
    out[..., 1, 0] = y * x * t + z * s
    out[..., 1, 1] = c + y * y * t
    out[..., 1, 2] = y * z * t - x * s
    out[..., 2, 0] = z * x * t - y * s
    out[..., 2, 1] = z * y * t + x * s
    out[..., 2, 2] = c + z * z * t
    return out


def deg(a: np.ndarray | float) -> np.ndarray:
    """Degrees to radians (short alias used by the motion scripts)."""
    return np.radians(a)
