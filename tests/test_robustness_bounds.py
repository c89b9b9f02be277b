"""Robustness, bounds: every number a user can set is checked, with a one-line message.

``ExerciseDef.with_settings`` raises ``ValueError``; the CLI prints one
``error:`` line and exits 2; the app turns the same error into its message.
"""

from __future__ import annotations

import math

import pytest
from conftest import make_clip
from test_robustness_helpers import assert_one_line_error, run_cli

from formcheck.errors import user_message
from formcheck.exercises import CATALOGUE, get_exercise
from formcheck.exercises.model import SETTING_RANGES
from formcheck.processor import FrameProcessor
from formcheck.session import analyze_video

BAD_VALUES = {
    "below range": lambda lo, hi: lo - 1 if lo - 1 < lo else -1e9,
    "above range": lambda lo, hi: hi + 1,
    "NaN": lambda lo, hi: math.nan,
    "infinity": lambda lo, hi: math.inf,
    "text": lambda lo, hi: "ten",
    "true/false": lambda lo, hi: True,
    "missing": lambda lo, hi: None,
}


@pytest.mark.parametrize("setting", sorted(SETTING_RANGES))
@pytest.mark.parametrize("bad", list(BAD_VALUES))
def test_every_setting_rejects_bad_numbers(setting, bad):
    lo, hi = SETTING_RANGES[setting][:2]
    value = BAD_VALUES[bad](lo, hi)
    for ex in CATALOGUE.values():
        with pytest.raises(ValueError) as e:
            ex.with_settings({setting: value})
        msg = str(e.value)
        assert setting in msg and "\n" not in msg, msg
        assert user_message(e.value) == msg.strip("'\"")


def test_in_range_values_are_accepted():
    ex = get_exercise("knee_to_knee").with_settings({"hold_target_s": 12})
    assert ex.hold_target_s == 12.0


def test_unknown_setting_and_rule_and_side():
    ex = get_exercise("knee_to_knee")
    with pytest.raises(ValueError, match="unknown setting 'holdtime'"):
        ex.with_settings({"holdtime": 5})
    with pytest.raises(ValueError, match="unknown rule"):
        ex.with_settings({"rules": {"no_such_rule": 3}})
    with pytest.raises(ValueError, match="side must be"):
        FrameProcessor(exercise_id="knee_to_knee", side="middle", pose=object())


@pytest.mark.parametrize(
    "args, words",
    [
        (["--set", "hold_target_s=9999"], "hold_target_s ... between"),
        (["--set", "hold_target_s=-1"], "hold_target_s"),
        (["--set", "hold_target_s=nan"], "hold_target_s ... finite"),
        (["--set", "hold_target_s=abc"], "hold_target_s ... number"),
        (["--set", "reps_target=2.5"], "reps_target ... whole"),
        (["--set", "holdtime=5"], "unknown setting"),
        (["--set", "hold_target_s"], "NAME=VALUE"),
        (["--side", "middle"], "invalid choice"),
        (["--max-seconds", "-5"], "positive"),
        (["--max-seconds", "0"], "positive"),
        (["-e", "yoga"], "unknown exercise"),
        (["--settings-from", "/nonexistent/x.json"], "cannot read settings"),
    ],
)  # fmt: skip
def test_cli_bad_setting_one_line_exit_2(args, words, tmp_path, capsys):
    clip = make_clip(tmp_path / "c.mp4", n=2)
    argv = ["analyze", str(clip), "--out", str(tmp_path / "o"), "-q"]
    if "-e" not in args:
        argv += ["-e", "knee_to_knee"]
    rc, _, err = run_cli(argv + args, capsys)
    assert_one_line_error(rc, err, *words.split(" ... "))
    assert not (tmp_path / "o").exists()  # refused before anything was written


def test_api_rejects_bad_bounds(tmp_path):
    clip = make_clip(tmp_path / "c.mp4", n=2)
    for kw in ({"max_seconds": -1}, {"max_seconds": "soon"}, {"max_frames": 0}):
        with pytest.raises(ValueError):
            analyze_video(clip, None, tmp_path / "o", **kw)


def test_app_shows_the_settings_message(tmp_path):
    """The app's analysis path raises the same ValueError; the page shows user_message()."""
    from formcheck.app.analysis import analyze_file

    clip = make_clip(tmp_path / "c.mp4", n=2)
    with pytest.raises(ValueError) as e:
        analyze_file(clip, "knee_to_knee", settings={"hold_target_s": 0})
    msg = user_message(e.value)
    assert msg and "hold_target_s" in msg and "\n" not in msg
