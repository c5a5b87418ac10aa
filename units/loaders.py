"""Load a unit directory from plain data (fixtures/*.json), idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from units.models import Jurisdiction, Unit, UnitAlias, UnitGroup


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1

    def __str__(self) -> str:
        if not self.created:
            return "没有新增记录（目录已是最新）。"
        return "新增：" + "，".join(f"{k} {v} 个" for k, v in self.created.items())


@transaction.atomic
def load_directory(data: dict[str, Any], *, parent: Jurisdiction | None = None) -> LoadStats:
    """Create what is missing; never duplicate, never delete what the office added."""
    stats = LoadStats()
    _load(data, parent, stats, pending_governs := [])
    for unit, name in pending_governs:
        governed = Jurisdiction.objects.filter(parent=unit.jurisdiction, name=name).first()
        if governed is None:
            raise ValidationError(f"单位“{unit}”对应的行政区划“{name}”不存在。")
        if unit.governs_id != governed.pk:
            unit.governs = governed
            unit.save(update_fields=["governs"])
    return stats


def _load(data: dict[str, Any], parent, stats: LoadStats, pending_governs: list) -> None:
    info = data["jurisdiction"]
    jurisdiction, created = Jurisdiction.objects.get_or_create(
        parent=parent,
        name=info["name"],
        defaults={
            "level": info["level"],
            "office_name": info.get("office_name", ""),
            "document_prefix": info.get("document_prefix", ""),
        },
    )
    stats.add("行政区划", created)
    for order, u in enumerate(data.get("units", []), start=1):
        unit, created = Unit.objects.get_or_create(
            jurisdiction=jurisdiction,
            name=u["name"],
            defaults={"kind": u.get("kind", Unit.Kind.DEPARTMENT), "order": order * 10},
        )
        stats.add("单位", created)
        for alias in u.get("aliases", []):
            _, created = UnitAlias.objects.get_or_create(unit=unit, name=alias)
            stats.add("别名", created)
        if u.get("governs"):
            pending_governs.append((unit, u["governs"]))
    for order, g in enumerate(data.get("groups", []), start=1):
        group, created = UnitGroup.objects.get_or_create(
            jurisdiction=jurisdiction,
            name=g["name"],
            defaults={
                "rule": g.get("rule", UnitGroup.Rule.LIST),
                "aliases": "\n".join(g.get("aliases", [])),
                "order": order * 10,
            },
        )
        stats.add("单位群组", created)
        if created and g.get("members"):
            members = list(Unit.objects.filter(jurisdiction=jurisdiction, name__in=g["members"]))
            missing = set(g["members"]) - {m.name for m in members}
            if missing:
                raise ValidationError(
                    f"群组“{group}”的成员不在单位目录中：{'、'.join(sorted(missing))}"
                )
            group.members.set(members)
    for child in data.get("children", []):
        _load(child, jurisdiction, stats, pending_governs)
