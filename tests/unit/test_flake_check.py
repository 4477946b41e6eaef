"""scripts/flake-check's verdict: verdict changes and MTTD spreads beyond the
tolerance (scrape + evaluation interval + 10 % of the median) fail it."""

from __future__ import annotations

import pytest

from pagerdrill.flake_check import spreads, verdicts


def test_flake_check_fails_a_stage_whose_mttd_spread_exceeds_its_tolerance() -> None:
    def run(mttd: float) -> dict[str, object]:
        return {"drills": [{"drill": "d", "verdict": "passed", "mttd_s": {"firing.A": mttd}}]}

    steady = spreads([run(30.0), run(31.5), run(32.0)], intervals_s=2.0)
    assert [(s.stage, s.within) for s in steady] == [("firing.A", True)]  # 2 s <= 2 + 3.15
    polluted = spreads([run(32.66), run(2.25)], intervals_s=2.0)
    assert not polluted[0].within  # slo-fast-burn's 2.25 s after a polluting drill
    assert polluted[0].tolerance_s == pytest.approx(2.0 + 0.1 * (32.66 + 2.25) / 2)
    assert verdicts([run(1.0), {"drills": []}]) == {"d": ["passed", "missing"]}
