"""workbook/verify.py: the one definition of "the Summary agrees with the engine"."""

from __future__ import annotations

import copy

from workbook_helpers import AS_OF, example_bytes

from hipaa_xl.workbook import build_refreshed
from hipaa_xl.workbook.verify import engine_aggregation, group_mismatches, summary_groups


def test_a_changed_summary_figure_and_a_missing_group_are_each_reported() -> None:
    data, _ = build_refreshed(example_bytes(), AS_OF)
    summary = summary_groups(data)
    groups = engine_aggregation(data, "current", AS_OF).groups
    assert group_mismatches(summary, groups) == []
    changed = copy.deepcopy(summary)
    first, second = list(changed)[:2]
    changed[first]["maximum"] += 1
    del changed[second]
    found = group_mismatches(changed, groups)
    assert [(m.key, m.figure) for m in found] == [(first, "maximum"), (second, "group")]
    assert found[0].summary == found[0].engine + 1
