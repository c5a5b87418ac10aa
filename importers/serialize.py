"""A parse back from its JSON form (the draft the office corrects is kept as JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from importers.parse import MeasureParse, NoticeParse, TaskParse, UnitRef


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def unit_from_json(data: dict[str, Any]) -> UnitRef:
    return UnitRef(
        name=str(data.get("name", "")),
        role=data.get("role") or "responsible",
        unit_id=data.get("unit_id"),
        group_id=data.get("group_id"),
        member_ids=list(data.get("member_ids") or []),
        is_new=bool(data.get("is_new")),
        needs_choice=bool(data.get("needs_choice")),
    )


def measure_from_json(data: dict[str, Any]) -> MeasureParse:
    return MeasureParse(
        text=str(data.get("text", "")),
        topic=data.get("topic") or None,
        units=[unit_from_json(u) for u in data.get("units") or []],
        recurrence=data.get("recurrence") or None,
        due=_date(data.get("due")),
    )


def parse_from_json(data: dict[str, Any]) -> NoticeParse:
    return NoticeParse(
        title=data.get("title"),
        doc_number=data.get("doc_number"),
        issuer=data.get("issuer"),
        year=data.get("year"),
        issued_on=_date(data.get("issued_on")),
        kind=data.get("kind") or "notice",
        tasks=[
            TaskParse(
                number=t.get("number"),
                chapter=t.get("chapter"),
                title=t.get("title"),
                measures=[measure_from_json(m) for m in t.get("measures") or []],
            )
            for t in data.get("tasks") or []
        ],
        source_format=data.get("source_format") or "",
        warnings=list(data.get("warnings") or []),
    )
