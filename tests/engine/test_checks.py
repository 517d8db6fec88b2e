"""engine/checks.py: the one home of the capability checks, shared by the shipped backends,
the adapter for outside models and the studio's bridge."""
import pytest

from engine.api import CONTROL_SCHEMA, InvalidRequest, UnsupportedRequest
from engine import checks

CAPS = {"operations": ["infill", "continue"], "controls": CONTROL_SCHEMA,
        "limits": {"time_signatures": ["4/4", "3/4"], "max_region_bars": 8, "max_candidates": 4}}


@pytest.mark.parametrize("call, error, words", [
    (lambda: checks.check_operation(CAPS, "compose"), UnsupportedRequest, "supported: infill, continue"),
    (lambda: checks.check_meter(CAPS, "7/8"), UnsupportedRequest, "supported: 4/4, 3/4"),
    (lambda: checks.check_bars(CAPS, 3, 2), InvalidRequest, "start_bar < end_bar"),
    (lambda: checks.check_bars(CAPS, 0, 9), UnsupportedRequest, "at most 8 bars"),
    (lambda: checks.check_candidates(CAPS, 5, None), InvalidRequest, "num_candidates must be 1..4"),
    (lambda: checks.check_candidates(CAPS, True, None), InvalidRequest, "num_candidates"),
    (lambda: checks.check_candidates(CAPS, 2, "x"), InvalidRequest, "seed"),
    (lambda: checks.check_controls({"loudness": 1}, CONTROL_SCHEMA), InvalidRequest, "unknown control 'loudness'"),
    (lambda: checks.check_controls({"temperature": 9}, CONTROL_SCHEMA), InvalidRequest,
     "Temperature: control temperature must be a number in [0.1, 2.0], got 9"),
    (lambda: checks.check_controls({"stay_in_key": 1}, CONTROL_SCHEMA), InvalidRequest, "true or false"),
    (lambda: checks.check_controls({"pitch_range": {"t1": [60, 50]}}, CONTROL_SCHEMA), InvalidRequest, "'t1'"),
    (lambda: checks.check_controls({"pitch_range": {"t1": [60.5, 70]}}, CONTROL_SCHEMA), InvalidRequest, "lo <= hi"),
    (lambda: checks.check_controls([], CONTROL_SCHEMA), InvalidRequest, "must be an object"),
])
def test_each_check_names_what_is_served(call, error, words):
    with pytest.raises(error, match=None) as caught:
        call()
    assert words in str(caught.value)


def test_good_values_pass_and_undeclared_controls_may_be_let_through():
    checks.check_operation(CAPS, "infill")
    checks.check_meter(CAPS, "3/4")
    checks.check_bars(CAPS, 0, 8)
    checks.check_candidates(CAPS, 4, 7)
    checks.check_controls({"temperature": 0.5, "pitch_range": {"t1": [40, 70]}}, CONTROL_SCHEMA)
    checks.check_controls({"temperature": 0.5, "extra": 1}, {"temperature": CONTROL_SCHEMA["temperature"]},
                          refuse_unknown=False)
