"""Criminal maxima of 42 U.S.C. 1320d-6(b): fine and years of imprisonment for each offense."""

from __future__ import annotations

from hipaa_xl.engine.tiers import normalise_words
from hipaa_xl.errors import InvalidValue, shown
from hipaa_xl.law.loader import load_rules
from hipaa_xl.law.models import CriminalOffense
from hipaa_xl.money import dollars


def criminal_offense(name: object) -> CriminalOffense:
    """The 1320d-6(b) offense named by ``name`` ("knowingly", "false pretenses", "intent to sell", ...)."""
    offenses = load_rules().criminal_offenses
    if isinstance(name, int | float) and not isinstance(name, bool) and float(name).is_integer():
        name = str(int(name))
    if isinstance(name, str):
        words = normalise_words(name)
        for key, offense in offenses.items():
            if words == normalise_words(key) or words in (normalise_words(a) for a in offense.aliases):
                return offense
    raise InvalidValue(
        f"offense must be one of: {', '.join(offenses)} (also commercial advantage, personal gain, "
        f"malicious harm) (got {shown(name)})"
    )


def criminal_explanation(name: object) -> str:
    """One sentence: the maxima and their citation, with the 18 U.S.C. 3571 note."""
    offense = criminal_offense(name)
    note = load_rules().criminal_note
    return (
        f"{offense.label}: a fine of up to {dollars(offense.fine)} and up to {offense.years} year(s) in prison "
        f"[{offense.citation}]; {note.text} [{note.citation}]."
    )
