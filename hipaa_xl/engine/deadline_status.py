"""The Status words of a deadline: part of the public contract (README "Status words").

"due" and the red "past due" are said only of something someone owes (a notice, a response, a
filing). A date that only ends something says so: a law-enforcement delay "delay ends" (164.412(b)),
a substitute-notice posting "posting may come down after" and its toll-free number "number may go
off after" (164.404(d)(2)(ii)), an ALJ or Board decision "final on" (160.546(d); 160.548(j)), the
limitation "last day for OCR to commence" (160.414). A response made after its date is "done N days
late", not "done". Pure functions: the workbook's Status formula says the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_xl.law.deadline_rules import StatusKind


@dataclass(frozen=True)
class StatusWords:
    """The words of one kind of date: before it (with the days left), on it, and after it."""

    before: str
    """Followed by the number of days when it ends in "in" ("due in 3 days"); said as it stands otherwise."""
    on: str
    after: str

    def ahead(self, days_left: int) -> str:
        """The words for a date ``days_left`` (> 0) days away."""
        if self.before.endswith(" in"):
            return f"{self.before} {days_left} day{'s' if days_left != 1 else ''}"
        return self.before


WORDS: dict[StatusKind, StatusWords] = {
    "owed": StatusWords("due in", "due today", "past due"),
    "lapse": StatusWords("delay ends in", "delay ends today", "delay ended"),
    "posting": StatusWords("posting may come down after", "posting may come down after", "posting may come down"),
    "number": StatusWords("number may go off after", "number may go off after", "number may go off"),
    "final": StatusWords("final on", "final today", "final"),
    "limitation": StatusWords("last day for OCR to commence", "last day for OCR to commence",
                              "OCR's time to commence has run"),
}
DONE = "done"
EXTENDED = "extended"
"""Access (164.524(b)(2)(ii)): day 30 passed with an extension promised; the extended date governs."""
NOT_REQUIRED = "not required"
CHECK_EVENT = "check the event"


def late_words(days_late: int) -> str:
    """"done N days late": a response made after its date."""
    return f"done {days_late} day{'s' if days_late != 1 else ''} late"


def status_words(
    kind: StatusKind,
    days_left: int | None,
    problem: str = "",
    done_days_late: int | None = None,
    extended: bool = False,
) -> str:
    """The Status column's words.

    ``done_days_late``: None when nothing was done (or the kind owes nothing), else how many days
    after the date it was done (0 or less: on time). ``extended``: an access request whose written
    extension promised a later date (the day-30 row is then "extended" unless done by day 30).
    """
    if kind == "owed" and done_days_late is not None:
        if done_days_late <= 0:
            return DONE
        return EXTENDED if extended else late_words(done_days_late)
    if days_left is None:
        return NOT_REQUIRED if problem.startswith("#N/A") else CHECK_EVENT
    if extended and days_left < 0:
        return EXTENDED
    words = WORDS[kind]
    if days_left < 0:
        return words.after
    if days_left == 0:
        return words.on
    return words.ahead(days_left)


def all_status_words() -> list[str]:
    """Every status phrase, for the README's list (N stands for a number of days)."""
    out = [DONE, "done N days late", EXTENDED, NOT_REQUIRED, CHECK_EVENT]
    for words in WORDS.values():
        ahead = f"{words.before} N days" if words.before.endswith(" in") else words.before
        out += [w for w in (ahead, words.on, words.after) if w not in out]
    return out
