"""Circles (quadruped band circles) and timed work (therapy-ball massage)."""

from __future__ import annotations

import math

import pytest
from exercise_fixtures import FRAME, Script, events_of, run

from formcheck.exercises import get_exercise

QUAD = get_exercise("quadruped_band_circles")
REST_Q = {
    "knee_rel_x_L": 0.0,
    "knee_rel_x_R": 0.0,
    "knee_rel_y_L": 0.8,
    "knee_rel_y_R": 0.8,
    "trunk_inclination": 88.0,
}
PERIOD = 2.0


def quad_script(**kw) -> Script:
    return Script(**{"view": "side", "position": "quadruped", **kw}, base=dict(REST_Q))


def circles(
    s: Script,
    side: str,
    turns: float,
    radius: float = 0.1,
    lift: float = 0.15,
    direction: float = 1.0,
    **extra,
) -> Script:
    """Lift ``side``'s knee, circle it ``turns`` times (from angle 0), put it down."""
    kx, ky = f"knee_rel_x_{side}", f"knee_rel_y_{side}"
    y0 = 0.8 - lift
    w = direction * 2 * math.pi / PERIOD
    end = turns * PERIOD
    s.seg(0.5, **{kx: (0.0, radius), ky: (0.8, y0)})
    s.seg(
        end,
        **{kx: lambda t: radius * math.cos(w * t), ky: lambda t: y0 + radius * math.sin(w * t)},
        **extra,
    )
    xe, ye = radius * math.cos(w * end), y0 + radius * math.sin(w * end)
    s.seg(0.5, **{kx: (xe, 0.0), ky: (ye, 0.8)})
    return s.seg(1.5)


def test_circles_exact_counts_left_then_right():
    s = quad_script().seg(1.5)
    circles(s, "L", 10.25)
    circles(s, "R", 12.25, direction=-1.0)  # the other way round
    states, res = run(QUAD, s.frames())
    assert res.circles == {"left": 10, "right": 12}
    assert states[-1].counts == {"left": 10, "right": 12}
    assert len(events_of(states, "circle_done")) == 22
    assert "Set complete: switch sides" in [e.message for e in events_of(states, "cue")]


def test_circles_partial_turn_is_not_a_circle():
    s = quad_script().seg(1.5)
    # 3.6 turns: putting the knee down afterwards sweeps up to another quarter turn
    circles(s, "L", 3.6)
    _, res = run(QUAD, s.frames())
    assert res.circles == {"left": 3}


def test_circles_need_a_lifted_knee():
    s = quad_script().seg(1.5)
    circles(s, "L", 5.25, lift=0.0, radius=0.01)  # knee stays on the floor, wobbling
    _, res = run(QUAD, s.frames())
    assert res.circles == {}


def test_circles_jitter_of_a_still_lifted_knee_never_counts():
    s = quad_script(noise_torso=0.01, seed=2).seg(1.5)
    s.seg(20.0, knee_rel_y_L=0.65)
    _, res = run(QUAD, s.frames())
    assert res.circles == {}


def test_circles_survive_left_right_swaps_and_short_dropouts():
    s = quad_script(swap_frac=0.12, seed=9).seg(1.5)
    kx, ky = "knee_rel_x_R", "knee_rel_y_R"
    w = 2 * math.pi / PERIOD
    fx = lambda t: 0.1 * math.cos(w * t)  # noqa: E731
    fy = lambda t: 0.65 + 0.1 * math.sin(w * t)  # noqa: E731
    s.seg(0.5, **{kx: (0.0, 0.1), ky: (0.8, 0.65)})
    s.seg(4.0, **{kx: fx, ky: fy})
    s.seg(0.2, detected=False)
    s.seg(6.5, **{kx: lambda t: fx(t + 4.2), ky: lambda t: fy(t + 4.2)})
    s.seg(0.5, **{kx: (0.0, 0.0), ky: (0.55, 0.8)}).seg(1.5)
    _, res = run(QUAD, s.frames())
    assert res.circles == {"right": 5}


def test_circles_front_view_is_a_setup_problem():
    s = quad_script(view="front").seg(1.5)
    circles(s, "L", 4.25)
    states, res = run(QUAD, s.frames())
    assert res.circles == {}
    assert states[-1].cue == "Turn side-on to the camera"


def test_circles_sagging_back_cues():
    s = quad_script().seg(1.5)
    circles(s, "L", 4.25, trunk_inclination=45.0)
    _, res = run(QUAD, s.frames())
    assert res.circles == {"left": 4}
    assert "Keep your back flat" in res.top_cues


# --------------------------------------------------------------------------- ball massage

# Threshold-only timing for the exact-duration tests; settle / release tested below.
BALL = get_exercise("ball_massage").with_settings(
    {"timed_target_s": 8, "settle_rate": 1000, "release_drop": 180}
)
REST_B = {"knee_drop_L": 0.0, "knee_drop_R": 0.0, "pelvis_x": 1.5, "pelvis_y": 2.0}


def hips_circling(t: float, axis: int) -> float:
    a = 2 * math.pi * t / 1.5
    return (1.5 + 0.05 * math.cos(a)) if axis == 0 else (2.0 + 0.05 * math.sin(a))


def ball_script(base: dict | None = None, **kw) -> Script:
    return Script(**{"position": "seated", **kw}, base=dict(base or REST_B))


def massage(s: Script, side: str, dur: float, move: bool = True, **extra) -> Script:
    """Drop ``side``'s knee outward over 0.5 s (hips circling), hold ``dur`` s, come back."""
    k, o = f"knee_drop_{side}", "knee_drop_" + ("L" if side == "R" else "R")
    mv = {"pelvis_x": lambda t: hips_circling(t, 0), "pelvis_y": lambda t: hips_circling(t, 1)}
    if not move:
        mv = {}
    s.seg(1.0, **mv)  # hips already moving before the knee drops
    s.seg(0.5, **{k: (0.0, -45.0), o: (0.0, 20.0)}, **mv)
    s.seg(dur, **{k: -45.0, o: 20.0}, **mv, **extra)
    s.seg(0.5, **{k: (-45.0, 0.0), o: (20.0, 0.0)}, **mv)
    return s.seg(1.5)


def massage_expected(dur: float) -> float:
    # from crossing enter on the 0.5 s way out to the last frame at or past exit on the
    # way back (rest is 0 here, so the rest-relative thresholds are absolute)
    return 0.5 * (1 - BALL.enter / 45) + dur + 0.5 * (1 - BALL.exit / 45) - FRAME


def test_ball_massage_times_each_side():
    s = ball_script().seg(1.0)
    massage(s, "R", 9.0)
    massage(s, "L", 6.0)
    states, res = run(BALL, s.frames())
    assert res.timed["right"] == pytest.approx(massage_expected(9.0), abs=2 * FRAME)
    assert res.timed["left"] == pytest.approx(massage_expected(6.0), abs=2 * FRAME)
    assert states[-1].counts == {"left": 6, "right": 9}
    live = [st.counts["right"] for st in states]
    assert live == sorted(live) and 1 in live and 5 in live  # ticks up while timing
    cues = [e for e in events_of(states, "cue") if e.message == "Switch sides"]
    assert [e.side for e in cues] == ["right"]


def test_ball_massage_still_hips_do_not_count_and_cue():
    s = ball_script().seg(1.0)
    massage(s, "R", 5.0, move=False)
    _, res = run(BALL, s.frames())
    assert res.timed == {}
    assert "Keep circling your hips" in res.top_cues


@pytest.mark.parametrize("undetected", [False, True])
def test_ball_massage_short_dropout_is_bridged(undetected):
    s = ball_script().seg(1.0)
    s.seg(1.0, pelvis_x=lambda t: hips_circling(t, 0), pelvis_y=lambda t: hips_circling(t, 1))
    mv = {
        "pelvis_x": lambda t: hips_circling(t + 1.0, 0),
        "pelvis_y": lambda t: hips_circling(t + 1.0, 1),
    }
    s.seg(0.5, knee_drop_R=(0.0, -45.0), **mv)
    s.seg(3.0, knee_drop_R=-45.0, **mv)
    if undetected:
        s.seg(0.2, detected=False)
    else:
        s.seg(0.2, knee_drop_R=math.nan, **mv)
    s.seg(3.0, knee_drop_R=-45.0, **mv)
    s.seg(0.5, knee_drop_R=(-45.0, 0.0), **mv).seg(1.5)
    _, res = run(BALL, s.frames())
    assert list(res.timed) == ["right"]
    assert res.timed["right"] == pytest.approx(massage_expected(6.2), abs=2 * FRAME)


def test_ball_massage_getting_into_position_does_not_count():
    s = ball_script()
    mv = {"pelvis_x": lambda t: hips_circling(t, 0), "pelvis_y": lambda t: hips_circling(t, 1)}
    s.seg(3.0, position="standing", knee_drop_R=-45.0, **mv)
    _, res = run(BALL, s.frames())
    assert res.timed == {}
    assert res.setup_problems["Sit on the floor with your knees bent"] == pytest.approx(3, abs=0.1)


def test_ball_massage_a_rolling_pelvis_counts_as_moving():
    # Hips anchored on the ball: the hip midpoint hardly moves but the pelvis yaws +-6 deg.
    s = ball_script(base={**REST_B, "pelvis_yaw": 0.0}).seg(1.0)

    def yaw(t0: float) -> dict:  # segment-local time -> +-6 deg at 0.5 Hz, continuous
        return {"pelvis_yaw": lambda t: 6.0 * math.sin(math.pi * (t + t0))}

    s.seg(1.0, **yaw(0.0))
    s.seg(0.5, knee_drop_R=(0.0, -45.0), **yaw(1.0))
    s.seg(6.0, knee_drop_R=-45.0, **yaw(1.5))
    s.seg(0.5, knee_drop_R=(-45.0, 0.0), **yaw(7.5)).seg(1.5)
    _, res = run(BALL, s.frames())
    assert res.timed["right"] == pytest.approx(massage_expected(6.0), abs=2 * FRAME)


def test_circles_with_the_far_knee_hidden_use_the_rest_height():
    s = quad_script().seg(1.5)
    start = len(s.segments)
    circles(s, "L", 5.25)
    for seg in s.segments[start:-1]:
        seg.metrics["knee_rel_y_R"] = math.nan  # the far knee is not visible
    _, res = run(QUAD, s.frames())
    assert res.circles == {"left": 5}


def test_circles_survive_the_knee_nearly_touching_down_each_turn():
    # lift 0.1 +- 0.1: the knee comes down to the floor for 0.4 s at the bottom of each turn.
    # Those frames are skipped (the sweep across them still counts); with the smoothing lag
    # the count may trail the true turns by up to ~60 deg, hence 6.5 turns for 6 circles.
    s = quad_script().seg(1.5)
    circles(s, "L", 6.5, radius=0.1, lift=0.1)
    _, res = run(QUAD, s.frames())
    assert res.circles == {"left": 6}


def test_ball_massage_a_short_pause_keeps_the_clock_a_long_one_stops_it():
    def circling(t0: float) -> dict:
        return {"pelvis_x": lambda t: hips_circling(t + t0, 0),
                "pelvis_y": lambda t: hips_circling(t + t0, 1)}  # fmt: skip

    still = {"pelvis_x": 1.55, "pelvis_y": 2.0}
    s = ball_script().seg(1.0)
    s.seg(1.0, **circling(0.0))
    s.seg(0.5, knee_drop_R=(0.0, -45.0), **circling(1.0))
    s.seg(3.0, knee_drop_R=-45.0, **circling(1.5))
    s.seg(0.6, knee_drop_R=-45.0, **still)  # under motion_grace_s: still counts
    s.seg(3.0, knee_drop_R=-45.0, **circling(5.1))
    s.seg(4.0, knee_drop_R=-45.0, **still)  # a long pause: the clock stops
    s.seg(0.5, knee_drop_R=(-45.0, 0.0)).seg(1.5)
    _, res = run(BALL, s.frames())
    # timed from the drop until the pause is noticed: once the motion window no longer
    # sees the circling (at most motion_window_s) plus motion_grace_s
    start = 0.5 * (1 - BALL.enter / 45) + 3.0 + 0.6 + 3.0
    assert start + BALL.motion_grace_s <= res.timed["right"] + 2 * FRAME
    assert res.timed["right"] <= start + BALL.motion_window_s + BALL.motion_grace_s
    assert "Keep circling your hips" in res.top_cues


def test_ball_massage_times_the_knee_down_not_the_way_down_and_up():
    d = get_exercise("ball_massage").with_settings({"timed_target_s": 8})
    s = ball_script().seg(1.0)
    massage(s, "R", 6.0)
    _, res = run(d, s.frames())
    # opens once the drop has settled (within the 0.5 s slope window of reaching it) and
    # closes as soon as the knee comes back up by the release drop: about the 6 s plateau
    assert 6.0 - 0.5 <= res.timed["right"] <= 6.0 + 0.1
