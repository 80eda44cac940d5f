"""Labels a lawyer can rely on: each figure that rests on a reading says so."""

from __future__ import annotations

import re

from hipaa_xl.law.loader import load_fixed
from hipaa_xl.udfs import ANNUAL_CAP, CMP_EXPLAIN_ROWS, CMP_MAX
from tests.helpers import REPO


def CMP_EXPLAIN(*args: object) -> str:
    """The full explanation as Excel shows it: CMP_EXPLAIN_ROWS's rows read as "rule: citation" (the
    function CMP_EXPLAIN itself is a summary of at most 255 characters, tests/excel/test_functions.py)."""
    rows = CMP_EXPLAIN_ROWS(*args)
    assert isinstance(rows, list)
    return " ".join(f"{rule}: {amount} {cite}".replace(":  ", ": ") for rule, amount, cite in rows)

MINIMUM = "statutory minimum (if a CMP is imposed)"


def test_cmp_explain_names_the_floor_statutory_minimum_if_a_cmp_is_imposed() -> None:
    for tier in "ABCD":
        text = CMP_EXPLAIN(tier, 3)
        assert MINIMUM in text, tier
        assert "at least $" not in text, tier


def test_waiver_note_covers_tiers_a_and_b_citing_160_412_and_1320d_5_b_3() -> None:
    for tier in "AB":
        text = CMP_EXPLAIN(tier, 3)
        assert "45 CFR 160.412; 42 U.S.C. 1320d-5(b)(3)" in text, tier
        assert "tiers A and B" in text
    assert "1320d-5(e)" in CMP_EXPLAIN("A", 3)  # corrective action without a penalty: tier A only
    assert "1320d-5(e)" not in CMP_EXPLAIN("B", 3)
    for tier in "CD":  # willful neglect: no waiver, a penalty is required
        text = CMP_EXPLAIN(tier, 3)
        assert "160.412" not in text and "1320d-5(c)(1)" in text, tier


def test_statute_schedule_says_its_amounts_are_unadjusted() -> None:
    assert "unadjusted" in load_fixed("statute").title
    text = CMP_EXPLAIN("B", 3, "2020-05-01", "statute")
    assert "Unadjusted amounts" in text and "'as adjusted for inflation'" in text and "current-tiered" in text
    # the regulation's explanation carries no such note
    assert "as adjusted for inflation" not in CMP_EXPLAIN("B", 3, "2020-05-01", "regulation")


def test_statute_tier_d_names_the_fifty_thousand_dollar_reading() -> None:
    text = CMP_EXPLAIN("D", 1, "2020-05-01", "statute")
    assert "$50,000 per-violation maximum for tier D" in text and "'at least'" in text
    # the figure follows the statute: 1 violation, maximum = the $1,500,000 cap, not $50,000
    assert CMP_MAX("D", 1, "2020-05-01", "statute") == 1_500_000
    assert "per-violation maximum for tier D" not in CMP_EXPLAIN("C", 1, "2020-05-01", "statute")


def test_fixed_table_before_its_effective_date_warns_in_the_explanation() -> None:
    # the 2025 table took effect 2026-01-28: assessed 2025-06-01 it could not be used
    assert "Warning: schedule 'cfr102-2025' fixes the table effective 2026-01-28" in CMP_EXPLAIN(
        "B", 1, "2024-01-10", "cfr102-2025", "2025-06-01"
    )
    assert "Warning" not in CMP_EXPLAIN("B", 1, "2024-01-10", "cfr102-2025", "2026-01-28")
    # no adjusted table before 2016-08-02 (45 CFR 102.2): the 2016 table on 2016-08-01 warns
    assert "Warning" in CMP_EXPLAIN("B", 1, "2016-01-10", "cfr102-2016", "2016-08-01")
    assert "Warning" not in CMP_EXPLAIN("B", 1, "2016-01-10", "cfr102-2016", "2016-08-02")


def test_no_penalty_means_no_cap() -> None:
    # tier A facts before 2009-02-18: no penalty (former 1320d-5(b)(2)), ANNUAL_CAP 0 and the
    # explanation says that no cap applies; the day the 2009 amounts begin, the $1,500,000 cap
    assert ANNUAL_CAP("A", "2009-02-17") == 0
    assert "no calendar-year cap applies" in CMP_EXPLAIN("A", 3, "2009-02-17")
    assert ANNUAL_CAP("A", "2009-02-18") == 1_500_000


def test_readme_states_the_cut_of_the_tiered_caps_from_the_law_data() -> None:
    # tiered caps against the regulation's single cap: A 25,000 / 1,500,000 -> 98.3% cut,
    # B 100,000 -> 93.3%, C 250,000 -> 83.3%: "83-98%"
    reg, stat = load_fixed("regulation"), load_fixed("statute")
    cuts = []
    for tier in "ABC":
        cap, tiered = reg.tiers[tier].cap.value, stat.tiers[tier].cap.value
        assert cap is not None and tiered is not None
        cuts.append(int(100 * (1 - tiered / cap)))
    law = (REPO / "docs" / "law.md").read_text("utf-8")
    assert f"cut tiers A-C by {min(cuts)}-{max(cuts)}%" in law
    assert not re.search(r"by 60-98%", law)


def _explain(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from hipaa_xl.cli import app

    result = CliRunner().invoke(app, ["explain", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_hipaa_xl_explain_labels_the_floor_and_the_ag_reading() -> None:
    code, out, _ = _explain("--tier", "A", "--violations", "3")
    assert code == 0
    assert "Statutory minimum (if a CMP is imposed)" in out and "Minimum exposure" not in out
    assert "45 CFR 160.412; 42 U.S.C. 1320d-5(b)(3)" in out and "1320d-5(e)" in out
    assert "all States together" in out


def test_hipaa_xl_explain_commenced_saves_days_the_assessment_date_would_bar() -> None:
    # violation 2018-05-01, sixth anniversary 2024-05-01: barred at the as-of 2024-06-30 alone,
    # in time when the action commenced on the anniversary
    code, out, _ = _explain("--date", "2018-05-01", "--as-of", "2024-06-30")
    assert code == 0 and "time-barred" in out
    code, out, _ = _explain("--date", "2018-05-01", "--as-of", "2024-06-30", "--commenced", "2024-05-01")
    assert code == 0 and "in time" in out and "160.420" in out
    code, _, err = _explain("--date", "2018-05-01", "--as-of", "2024-06-30", "--commenced", "2024-07-01")
    assert code == 2 and err.count("\n") == 1 and "after the assessment" in err


def test_hipaa_xl_schedules_says_the_statute_schedule_is_unadjusted() -> None:
    from typer.testing import CliRunner

    from hipaa_xl.cli import app

    result = CliRunner().invoke(app, ["schedules"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    [line] = [ln for ln in result.stdout.splitlines() if ln.strip("│ ").startswith("statute")]
    assert "unadjusted" in line
