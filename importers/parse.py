"""The parse structure every importer produces, and the error every importer raises.

Its JSON form (``NoticeParse.to_json``) is the format of ``shared/eval/README.md``; keys beyond
that format carry what the product needs (directory matches, flags for the office).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["lead", "cooperate", "responsible"]
Recurrence = Literal["weekly", "monthly", "quarterly", "semiannual", "yearly"]


class NoticeImportError(Exception):
    """A file that cannot be imported. ``message`` is Chinese and tells the user what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class DirectoryUnit:
    id: int
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = ""  # "department", "township", "committee", "office", "enterprise", "other"


@dataclass
class DirectoryGroup:
    id: int
    name: str
    aliases: list[str] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)


@dataclass
class Directory:
    """The unit directory as plain data, so that parsers stay free of the database."""

    units: list[DirectoryUnit] = field(default_factory=list)
    groups: list[DirectoryGroup] = field(default_factory=list)


@dataclass
class UnitRef:
    name: str  # as the source writes it, without role words or a trailing 等部门
    role: Role = "responsible"
    unit_id: int | None = None  # the directory unit it matched, by name or alias
    group_id: int | None = None  # the directory group it matched (各乡镇 …)
    member_ids: list[int] = field(default_factory=list)  # the group's units
    is_new: bool = False  # looks like a unit, but the directory does not have it
    needs_choice: bool = False  # 各有关部门 / 各相关部门: the office must choose

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "role": self.role}
        if self.unit_id is not None:
            data["unit_id"] = self.unit_id
        if self.group_id is not None:
            data["group_id"] = self.group_id
            data["member_ids"] = list(self.member_ids)
        if self.is_new:
            data["is_new"] = True
        if self.needs_choice:
            data["needs_choice"] = True
        return data


@dataclass
class MeasureParse:
    text: str
    topic: str | None = None
    units: list[UnitRef] = field(default_factory=list)
    recurrence: Recurrence | None = None
    due: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "topic": self.topic,
            "units": [u.to_json() for u in self.units],
            "recurrence": self.recurrence,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass
class TaskParse:
    number: str | None = None
    chapter: str | None = None
    title: str | None = None
    measures: list[MeasureParse] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "chapter": self.chapter,
            "title": self.title,
            "measures": [m.to_json() for m in self.measures],
        }


@dataclass
class NoticeParse:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    year: int | None = None
    issued_on: dt.date | None = None
    kind: Literal["notice", "division_table"] = "notice"
    tasks: list[TaskParse] = field(default_factory=list)
    source_format: str = ""
    warnings: list[str] = field(default_factory=list)  # Chinese, for the office's review

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "year": self.year,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "kind": self.kind,
            "tasks": [t.to_json() for t in self.tasks],
            "source_format": self.source_format,
            "warnings": list(self.warnings),
        }
