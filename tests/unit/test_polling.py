from __future__ import annotations

import pytest

from harness.errors import WaitTimeout
from harness.polling import wait_until
from harness.types import parse_duration


def test_returns_the_first_truthy_value() -> None:
    values = iter([None, 0, "", "found"])
    assert wait_until(lambda: next(values), 5, 0.01, expected="x", where="here") == "found"


def test_timeout_says_expected_last_seen_where_and_hint() -> None:
    def check() -> int:
        raise ConnectionError("refused")

    with pytest.raises(WaitTimeout) as caught:
        wait_until(check, 0.05, 0.01, expected="a ready pod", where="namespace idp", hint="look")
    message = str(caught.value)
    for part in ("a ready pod", "namespace idp", "ConnectionError: refused", "Hint: look"):
        assert part in message


def test_describe_supplies_what_was_last_seen() -> None:
    with pytest.raises(WaitTimeout, match="restart count 3"):
        wait_until(
            lambda: False, 0.03, 0.01, expected="x", where="y", describe=lambda: "restart count 3"
        )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("2m", 120), ("500ms", 0.5), ("1h", 3600), (5, 5), ("1.5", 1.5)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-1s", "0", True, "5 days"])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
