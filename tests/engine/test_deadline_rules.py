"""Deadline rules: hand-worked dates on both sides of each edge, and the law data they come from.

Day counts in the comments: "Jan 1 + 30 = Jan 31" means 30 days after 1 January is 31 January.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hipaa_xl.engine import business_days, days
from hipaa_xl.engine.deadlines import EXPLAIN_LIMIT, UNCHECKED_LABEL, NotRequired, Option, compute, due_date
from hipaa_xl.errors import InvalidValue
from hipaa_xl.excel.cells import parse_rule
from hipaa_xl.law.deadline_rules import load_deadline_law

D = dt.date

# The public contract: rule names and the event each runs from.
CONTRACT = {
    "breach-individuals": "discovery", "breach-media": "discovery", "breach-hhs": "discovery",
    "breach-ba": "discovery", "breach-hhs-log": "discovery", "breach-substitute-posting": "posting",
    "law-enforcement-oral": "oral-statement", "access": "request-received", "access-extended": "request-received",
    "complaint": "complainant-knew", "ocr-mitigation": "notice-received", "limitation": "violation",
    "hearing-request": "npd-dated", "alj-final": "alj-served", "board-appeal": "alj-served",
    "judicial-review": "board-final", "breach-substitute-toll-free": "posting", "board-final": "board-served",
}
SUBPART_D = ("breach-individuals", "breach-media", "breach-hhs", "breach-ba")
RULES_160_526 = ("ocr-mitigation", "board-appeal")  # 30-day periods counted under 160.526

# ---------------------------------------------------------------- the law data


def test_rule_names_and_their_events_are_the_public_contract() -> None:
    law = load_deadline_law()
    assert {name: rule.event for name, rule in law.rules.items()} == CONTRACT


def test_every_rule_has_its_citation_and_quoted_words() -> None:
    law = load_deadline_law()
    for name, rule in law.rules.items():
        assert rule.citation.startswith("45 CFR "), name
        assert len(rule.words) > 60, name
        for part in rule.key_words.split(" ... "):  # the short quote is the rule's own words
            assert part in rule.words, name
        assert rule.source in law.sources and rule.description and rule.extends, name


def test_the_160_526_words_are_quoted_and_drive_the_computation() -> None:
    counting = load_deadline_law().countings["cfr160-526"]
    assert counting.words is not None
    assert "the time begins with the day following the act, event or default" in counting.words
    assert "an additional 5 days must be added" in counting.words and counting.mail_days == 5
    assert "less than 7 days" in counting.words and counting.short_period_days == 7
    assert "does not apply to requests for hearing under § 160.504" in counting.words


def test_subpart_d_rules_count_calendar_days_and_proceedings_count_under_160_526() -> None:
    law = load_deadline_law()
    for name in (*SUBPART_D, "breach-substitute-posting", "law-enforcement-oral", "access", "complaint"):
        assert law.rules[name].counting in ("calendar", "posting"), name
    for name in ("ocr-mitigation", "hearing-request", "alj-final", "board-appeal", "judicial-review"):
        assert law.rules[name].counting == "cfr160-526", name


def test_a_rule_not_read_in_a_current_text_is_labelled_in_its_explanation() -> None:
    law = load_deadline_law()
    unchecked = [name for name in law.rules if not law.checked(name)]
    assert unchecked, "the data should say which rules were read only in a reproduction"
    for name in law.rules:
        text = compute(name, D(2026, 1, 2)).explanation()
        assert (UNCHECKED_LABEL in text) == (name in unchecked), name


def test_explanations_fit_one_cell_with_the_longest_options() -> None:
    options: dict[str, Option] = {"delay-days": 365, "residents": 100000, "individuals": 100000, "mailed": True,
                                  "written-until": D(2026, 12, 31), "promised-date": D(2026, 2, 28),
                                  "received-on": D(2026, 12, 30), "none": None}
    law = load_deadline_law()
    for name, rule in law.rules.items():
        for option in (None, options[rule.option]):
            if rule.threshold is not None and rule.threshold.below is not None and option:
                option = 10
            text = compute(name, D(2026, 1, 2), option).explanation()
            assert len(text) <= EXPLAIN_LIMIT, (name, len(text))
            assert rule.citation in text and f": {rule.date_label} " in text


# ---------------------------------------------------------------- breach notification (calendar days)


def test_breach_discovered_on_new_years_day_is_notified_by_2_march() -> None:
    # Jan 1 + 30 = Jan 31; + 28 (February 2026) = Feb 28; + 2 = Mar 2 (60 days)
    assert due_date("breach-individuals", D(2026, 1, 1)) == D(2026, 3, 2)
    assert due_date("breach-individuals", D(2026, 1, 2)) == D(2026, 3, 3)


@pytest.mark.parametrize("rule", SUBPART_D)
def test_subpart_d_last_day_on_a_weekend_or_holiday_does_not_move(rule: str) -> None:
    # Jan 6 + 60 = Mar 7 (Saturday); Jan 7 + 60 = Mar 8 (Sunday); Mar 26 + 60 = May 25 (Memorial Day)
    assert due_date(rule, D(2026, 1, 5)) == D(2026, 3, 6)  # Friday, the day before the edge
    assert due_date(rule, D(2026, 1, 6)) == D(2026, 3, 7)
    assert due_date(rule, D(2026, 1, 7)) == D(2026, 3, 8)
    assert business_days.federal_holiday(D(2026, 5, 25)) is not None
    assert due_date(rule, D(2026, 3, 26)) == D(2026, 5, 25)


def test_media_notice_needs_more_than_500_residents_of_one_state() -> None:
    assert due_date("breach-media", D(2026, 1, 1), 501) == D(2026, 3, 2)
    with pytest.raises(NotRequired) as exc:
        due_date("breach-media", D(2026, 1, 1), 500)
    assert exc.value.excel_text().startswith("#N/A")
    assert due_date("breach-media", D(2026, 1, 1)) == D(2026, 3, 2)  # count not given: the date, if it applies


def test_hhs_notice_500_or_more_is_due_with_the_individual_notice_fewer_go_in_the_log() -> None:
    assert due_date("breach-hhs", D(2026, 1, 1), 500) == D(2026, 3, 2)
    with pytest.raises(NotRequired):
        due_date("breach-hhs", D(2026, 1, 1), 499)
    assert due_date("breach-hhs-log", D(2026, 1, 1), 499) == D(2027, 3, 1)
    with pytest.raises(NotRequired):
        due_date("breach-hhs-log", D(2026, 1, 1), 500)


@pytest.mark.parametrize(
    ("discovered", "due"),
    [
        # Dec 31, 2027 + 60 = Feb 29, 2028 (31 January days + 29 February days): a leap year
        (D(2027, 1, 1), D(2028, 2, 29)), (D(2027, 6, 15), D(2028, 2, 29)), (D(2027, 12, 31), D(2028, 2, 29)),
        # Dec 31, 2026 + 60 = Mar 1, 2027 (31 + 28 = 59 days to Feb 28, one more)
        (D(2026, 6, 15), D(2027, 3, 1)), (D(2026, 12, 31), D(2027, 3, 1)),
    ],
)
def test_hhs_log_is_due_60_days_after_the_year_of_discovery(discovered: dt.date, due: dt.date) -> None:
    assert due_date("breach-hhs-log", discovered) == due


def test_law_enforcement_delay_adds_its_days_to_the_60() -> None:
    # Jan 1 + 60 + 30 = Jan 1 + 90 = Apr 1 (31 + 28 + 31 = 90)
    assert due_date("breach-individuals", D(2026, 1, 1), 30) == D(2026, 4, 1)
    assert due_date("breach-ba", D(2026, 1, 1), 0) == D(2026, 3, 2)


def test_oral_law_enforcement_delay_lapses_after_30_days_unless_a_written_statement_extends_it() -> None:
    # Feb 10 + 18 = Feb 28; + 12 = Mar 12 (30 days)
    assert due_date("law-enforcement-oral", D(2026, 2, 10)) == D(2026, 3, 12)
    assert due_date("law-enforcement-oral", D(2026, 2, 10), D(2026, 4, 30)) == D(2026, 4, 30)
    with pytest.raises(InvalidValue):
        due_date("law-enforcement-oral", D(2026, 2, 10), D(2026, 2, 9))


def test_substitute_posting_and_toll_free_number_run_90_full_days() -> None:
    # posted some time on Jan 1: 90 full days end on Jan 1 + 90 = Apr 1 (30 + 28 + 31 + 1)
    assert due_date("breach-substitute-posting", D(2026, 1, 1)) == D(2026, 4, 1)
    assert due_date("breach-substitute-toll-free", D(2026, 1, 1)) == D(2026, 4, 1)


# ---------------------------------------------------------------- access and complaints (calendar days)


def test_access_30_days_and_the_one_extension_of_at_most_30() -> None:
    # Jan 15 + 30 = Feb 14 (a Saturday: calendar days, it stays); + 60 = Mar 16 (16 + 28 + 16)
    assert due_date("access", D(2026, 1, 15)) == D(2026, 2, 14)
    assert due_date("access-extended", D(2026, 1, 15)) == D(2026, 3, 16)
    assert due_date("access-extended", D(2026, 1, 15), D(2026, 3, 10)) == D(2026, 3, 10)
    with pytest.raises(InvalidValue, match="may not exceed 30 days"):
        due_date("access-extended", D(2026, 1, 15), D(2026, 3, 17))
    with pytest.raises(InvalidValue, match="takes no option"):
        due_date("access", D(2026, 1, 15), 5)


def test_complaint_180_days_after_the_complainant_knew() -> None:
    # Jan 1 + 180: Jan 31 (30), Feb 28 (58), Mar 31 (89), Apr 30 (119), May 31 (150), Jun 30 (180)
    assert due_date("complaint", D(2026, 1, 1)) == D(2026, 6, 30)


# ---------------------------------------------------------------- OCR enforcement (45 CFR 160.526)


@pytest.mark.parametrize("rule", RULES_160_526)
def test_160_526_last_day_on_a_saturday_sunday_or_holiday_moves_to_the_next_business_day(rule: str) -> None:
    # Feb 4 + 30 = Mar 6 (Friday): stays. Feb 5 + 30 = Mar 7 (Sat) and Feb 6 + 30 = Mar 8 (Sun): Monday Mar 9
    assert due_date(rule, D(2026, 2, 4)) == D(2026, 3, 6)
    assert due_date(rule, D(2026, 2, 5)) == D(2026, 3, 9)
    assert due_date(rule, D(2026, 2, 6)) == D(2026, 3, 9)
    # Apr 25 + 30 = May 25, Memorial Day: Tuesday May 26
    assert due_date(rule, D(2026, 4, 25)) == D(2026, 5, 26)
    # Jun 3 + 30 = Jul 3, Independence Day observed (Jul 4 is a Saturday), then a weekend: Monday Jul 6
    assert due_date(rule, D(2026, 6, 3)) == D(2026, 7, 6)
    assert due_date(rule, D(2026, 6, 2)) == D(2026, 7, 2)


def test_judicial_review_rolls_past_thanksgiving() -> None:
    # Sep 27 + 60 = Nov 26 (3 + 31 + 26), Thanksgiving: Friday Nov 27
    assert due_date("judicial-review", D(2026, 9, 27)) == D(2026, 11, 27)
    assert due_date("judicial-review", D(2026, 9, 26)) == D(2026, 11, 25)


def test_hearing_request_90_days_after_receipt_presumed_5_days_after_the_notice() -> None:
    # notice dated Jan 2 -> received Jan 7 (presumed); Jan 7 + 90 = Apr 7 (24 + 28 + 31 + 7)
    assert due_date("hearing-request", D(2026, 1, 2)) == D(2026, 4, 7)
    # a reasonable showing of receipt on Jan 9: Jan 9 + 90 = Apr 9
    assert due_date("hearing-request", D(2026, 1, 2), D(2026, 1, 9)) == D(2026, 4, 9)
    # notice dated Jan 4 -> received Jan 9 -> Apr 9; dated Jan 6 -> Jan 11 -> Apr 11 (Sat) -> Apr 13 (Mon)
    assert due_date("hearing-request", D(2026, 1, 6)) == D(2026, 4, 13)


def test_mail_adds_5_days_to_a_response_but_never_to_a_hearing_request() -> None:
    # served Jan 2: + 30 = Feb 1 (Sun) -> Feb 2; by mail + 35 = Feb 6 (Fri)
    assert due_date("board-appeal", D(2026, 1, 2)) == D(2026, 2, 2)
    assert due_date("board-appeal", D(2026, 1, 2), True) == D(2026, 2, 6)
    assert due_date("ocr-mitigation", D(2026, 1, 2), True) == D(2026, 2, 6)
    assert due_date("board-appeal", D(2026, 1, 2), False) == D(2026, 2, 2)
    with pytest.raises(InvalidValue):  # a hearing request's option is a receipt date, never "by mail"
        due_date("hearing-request", D(2026, 1, 2), True)
    # finality is not a response: mail adds nothing (Jan 2 + 60 = Mar 3, a Tuesday)
    assert due_date("alj-final", D(2026, 1, 2)) == due_date("alj-final", D(2026, 1, 2), True) == D(2026, 3, 3)
    assert "mail adds no days" in compute("alj-final", D(2026, 1, 2), True).explanation()


def test_periods_under_7_days_skip_intermediate_weekends_and_holidays() -> None:
    # from Wed Jul 1, 2026: Thu 2 (1), Fri 3 holiday, Sat 4, Sun 5 skipped, Mon 6 (2) ... Thu 9 (5)
    assert business_days.count_160_526(D(2026, 7, 1), 5) == (D(2026, 7, 9), D(2026, 7, 9))
    # a 7-day period counts every day: Jul 1 + 7 = Jul 8 (Wednesday), earlier than the 5-day period's end
    assert business_days.count_160_526(D(2026, 7, 1), 7) == (D(2026, 7, 8), D(2026, 7, 8))
    assert business_days.count_160_526(D(2026, 7, 1), 6) == (D(2026, 7, 10), D(2026, 7, 10))


def test_limitation_is_the_engines_sixth_anniversary_and_never_moves() -> None:
    assert due_date("limitation", D(2020, 2, 29)) == D(2026, 2, 28) == days.sixth_anniversary(D(2020, 2, 29))
    assert due_date("limitation", D(2020, 6, 6)) == D(2026, 6, 6)  # a Saturday: still the last day
    assert not days.is_time_barred(D(2020, 6, 6), D(2026, 6, 6))
    assert days.is_time_barred(D(2020, 6, 6), D(2026, 6, 7))


# ---------------------------------------------------------------- names and bad input


def test_rule_names_are_trimmed_and_case_insensitive() -> None:
    assert parse_rule("  Breach-Individuals ") == "breach-individuals"
    assert parse_rule("HEARING_REQUEST") == "hearing-request"
    with pytest.raises(InvalidValue, match="unknown deadline rule"):
        parse_rule("breach")


def test_a_due_date_after_9999_is_a_num_error_not_a_crash() -> None:
    with pytest.raises(Exception) as exc:
        due_date("complaint", D(9999, 12, 1))
    assert exc.value.excel_text().startswith("#NUM!")  # type: ignore[attr-defined]
