"""The live view shows and speaks one cue: the same text, chosen in one place."""

from formcheck.app.live_page import shown_cue
from formcheck.live import LiveStatus


def test_setup_problem_comes_first() -> None:
    s = LiveStatus(detected=True, setup_problems=("Turn side-on to the camera",), cue="Keep going")
    assert shown_cue(s) == "Turn side-on to the camera"


def test_no_person_after_frames_says_step_into_view() -> None:
    assert shown_cue(LiveStatus(frames_processed=10)) == "Step into view of the camera"
    assert shown_cue(LiveStatus(frames_processed=0)) == ""  # nothing analysed yet: no cue


def test_engine_cue_then_hold_prompt() -> None:
    assert shown_cue(LiveStatus(detected=True, setup_ok=True, cue="Knee out")) == "Knee out"
    assert shown_cue(LiveStatus(detected=True, setup_ok=True, holding=True)) == "Hold it"
    assert shown_cue(LiveStatus(detected=True, setup_ok=True)) == ""


def test_status_carries_whether_the_primary_value_can_be_trusted() -> None:
    from types import SimpleNamespace

    from formcheck.live import status_from

    st = SimpleNamespace(phase="holding", setup_ok=True, primary_value=12.0, cue=None)
    assert status_from(st, True, LiveStatus()).primary_reliable
    shaky = status_from(st, True, LiveStatus(), reliable=False)
    assert not shaky.primary_reliable and shaky.primary_value == 12.0
