"""Requirements read as citations: the section, the subpart, and spelling variants of one citation.

160.404(b)(3) reaches a requirement repeated in a more general form "in the same subpart", so a
Duplicate-of link needs the subpart of each provision (parts 160 and 164, from the law data). Two
spellings of one citation ("45 CFR 164.502(a)", "164.502 (a)") are a typing slip; two citations that
differ in a paragraph letter or number (164.502(a), 164.502(b)) are different provisions.
"""

from __future__ import annotations

import functools
import re

from hipaa_xl.law.loader import load_rules

_PREFIX = re.compile(r"^\s*(?:45\s*c\.?\s*f\.?\s*r\.?\s*(?:part\s*)?)?(?:§+|sec(?:tion)?\.?)?\s*", re.IGNORECASE)
_SECTION = re.compile(r"^(\d{3})\.(\d{3})(?!\d)")
_CITATION = re.compile(r"^\d{3}\.\d{3}(?:\([0-9a-z]+\))*$", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def canonical_citation(requirement: str) -> str | None:
    """``requirement`` as a bare citation ("164.502(a)"): "45 CFR", "§", spaces and case removed;
    None when it does not read as a citation of a section of 45 CFR."""
    text = _PREFIX.sub("", requirement)
    text = re.sub(r"\s+", "", text).casefold()
    return text if _CITATION.match(text) else None


def subpart_of(requirement: str) -> tuple[int, str] | None:
    """(part, subpart letter) of a requirement of 45 CFR part 160 or 164; None when the text is not
    such a citation or its section lies in no subpart the law data lists."""
    text = _PREFIX.sub("", requirement).strip()
    found = _SECTION.match(text)
    if found is None:
        return None
    part, section = int(found.group(1)), int(found.group(2))
    for sub in load_rules().duplicate_same_subpart.subparts:
        if sub.part == part and int(sub.first.split(".")[1]) <= section <= int(sub.last.split(".")[1]):
            return sub.part, sub.subpart
    return None


def spelling_variants(a: str, b: str) -> bool | None:
    """True when ``a`` and ``b`` are two spellings of one citation, False when both are citations
    that differ (different provisions), None when either is not a citation (free text)."""
    ca, cb = canonical_citation(a), canonical_citation(b)
    if ca is None or cb is None:
        return None
    return ca == cb
