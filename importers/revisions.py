"""What changed between the version of a notice the office confirmed and a revised one.

Pure: the old measures come in as plain data. Measures are paired by their whitespace-free text
first (unchanged), then by similarity (changed: shown side by side, the office decides whether
their assignments carry over); the rest are added or removed (withdrawn, never deleted).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from importers.parse import NoticeParse

SIMILAR = 0.6


@dataclass(frozen=True)
class OldMeasure:
    id: int
    text: str


@dataclass
class Diff:
    # (old measure, (task index, measure index) in the new parse)
    unchanged: list[tuple[OldMeasure, tuple[int, int]]] = field(default_factory=list)
    changed: list[tuple[OldMeasure, tuple[int, int]]] = field(default_factory=list)
    added: list[tuple[int, int]] = field(default_factory=list)
    removed: list[OldMeasure] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # The cheap upper bounds rule out most pairs before the full comparison.
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def diff_measures(old: list[OldMeasure], parse: NoticeParse) -> Diff:
    diff = Diff()
    new = [
        (ti, mi, m.text)
        for ti, task in enumerate(parse.tasks)
        for mi, m in enumerate(task.measures)
    ]
    by_text: dict[str, list[OldMeasure]] = {}
    for o in old:
        by_text.setdefault(_key(o.text), []).append(o)
    left_new = []
    for ti, mi, text in new:
        same = by_text.get(_key(text))
        if same:
            diff.unchanged.append((same.pop(0), (ti, mi)))
        else:
            left_new.append((ti, mi, text))
    left_old = [o for group in by_text.values() for o in group]
    # Greedy pairing of the most similar remaining texts.
    scored = sorted(
        (
            (ratio, i, j)
            for i, o in enumerate(left_old)
            for j, (_, _, text) in enumerate(left_new)
            if (ratio := _similarity(_key(o.text), _key(text))) >= SIMILAR
        ),
        reverse=True,
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        diff.changed.append((left_old[i], left_new[j][:2]))
    diff.changed.sort(key=lambda pair: pair[1])
    diff.added = [left_new[j][:2] for j in range(len(left_new)) if j not in used_new]
    diff.removed = [o for i, o in enumerate(left_old) if i not in used_old]
    return diff
