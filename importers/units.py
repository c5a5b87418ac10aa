"""Responsible units: split a 责任单位 cell or a closing parenthesis into ``UnitRef`` entries.

The cell is free text written by an office: "县住建局牵头，县公安局、县自然资源局等部门分工负责，
各乡镇配合落实". Clauses (split on ，；) carry a role: 牵头 → lead, 配合 → cooperate, otherwise
responsible. Within a clause, names are split on 、 and each keeps only its leading unit name: the
words after it (等部门, 分工负责, 督促企业落实……) are instructions, not units.
"""

from __future__ import annotations

import re

from importers.parse import Directory, Role, UnitRef

_CLAUSE_SPLIT = re.compile(r"[，,；;。\n]+")
_ITEM_SPLIT = re.compile(r"[、/／]+")
# How a unit name ends. Longest first so that "办公室" wins over "室".
UNIT_SUFFIXES = tuple(
    sorted(
        (
            "局",
            "委",
            "办",
            "部",
            "院",
            "队",
            "所",
            "站",
            "段",
            "中心",
            "镇",
            "乡",
            "街道",
            "办事处",
            "政府",
            "党委",
            "委员会",
            "公司",
            "集团",
            "单位",
            "部门",
            "乡镇",
            "开发区",
            "园区",
            "管委会",
            "会",
            "室",
            "处",
            "厅",
            "科",
            "支队",
            "大队",
            "中队",
            "分局",
            "法院",
            "检察院",
            "学校",
            "医院",
            "协会",
            "工会",
            "团委",
            "妇联",
            "武装部",
            "社区",
            "村",
            "企业",
            "机构",
            "银行",
            "分公司",
            "总公司",
            "指挥部",
            "公路段",
            "管理站",
            "监狱",
            "海关",
            "气象台",
        ),
        key=len,
        reverse=True,
    )
)
# Words that open the instruction after a unit name ("等部门根据工作职能做好配合").
_TAIL_WORDS = (
    "等部门",
    "等单位",
    "等",
    "的部门",
    "分工负责",
    "负责",
    "牵头",
    "配合",
    "根据",
    "督促",
    "做好",
    "组织",
    "按照",
    "共同",
    "具体",
    "指导",
    "开展",
    "落实",
    "并",
    "要",
    "抓好",
    "协助",
    "参与",
    "协同",
    "按",
    "结合",
    "分别",
    "各自",
    "及时",
    "会同",
    "联合",
)
_LEAD = re.compile(r"牵头")
_COOPERATE = re.compile(r"配合|协助|协同")
# Groups the office must resolve by hand: they name no one in particular.
_NEEDS_CHOICE = re.compile(r"^各?(有关|相关)(部门|单位|乡镇|乡镇和部门|县直部门|成员单位)$")
_GROUP_WORDS = re.compile(r"^各|有关|相关|成员单位|各级|县直各|区直各|市直各")
# "各有关乡镇和部门" → 各有关乡镇 + 各有关部门: one qualifier shared by two nouns.
_SHARED_PREFIX = re.compile(
    r"^(各有关|各相关|各级|各|有关|相关)(乡镇|部门|单位|党委|政府|街道)和(乡镇|部门|单位|党委|政府|街道)$"
)
_BARE_NOUN = re.compile(r"^(乡镇|部门|单位|党委|政府|街道|镇|村)$")
_GROUP_PREFIX = re.compile(r"^(各有关|各相关|各级|各)")
# A plausible specific unit the directory may lack: 县XX局, XX镇, 市XX局XX分局 …
_PLAUSIBLE_UNIT = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")


def _cut_tail(item: str) -> str:
    """The unit name at the start of ``item``: cut at the first instruction word that follows a
    unit suffix ("负有安全监管职责的部门督促企业落实" → "负有安全监管职责的部门")."""
    for p in range(2, min(len(item), 40)):  # unit names are short
        head = item[:p]
        rest = item[p:]
        if not head.endswith(UNIT_SUFFIXES) or not rest.startswith(_TAIL_WORDS):
            continue
        # "县委组织部": 组织部 is itself a unit name, not an instruction that follows one.
        if rest.startswith(("等", "的部门")) or not rest.endswith(UNIT_SUFFIXES):
            return head
    return item


def _looks_like_unit(name: str) -> bool:
    return (
        2 <= len(name) <= 30
        and name.endswith(UNIT_SUFFIXES)
        and not name.startswith(_TAIL_WORDS[4:])
    )


def split_units(text: str, default_role: Role = "responsible") -> list[UnitRef]:
    """Split a unit cell into units with roles, in the order written, without duplicates."""
    refs: list[UnitRef] = []
    seen: set[str] = set()
    for clause in _CLAUSE_SPLIT.split(text or ""):
        clause = re.sub(r"\s+", "", clause)
        if not clause:
            continue
        role: Role = default_role
        if _LEAD.search(clause):
            role = "lead"
        elif _COOPERATE.search(clause):
            role = "cooperate"
        previous = ""
        for raw in _ITEM_SPLIT.split(clause):
            names = [_cut_tail(raw)]
            shared = _SHARED_PREFIX.match(names[0])
            if shared:
                names = [shared.group(1) + shared.group(2), shared.group(1) + shared.group(3)]
            elif _BARE_NOUN.match(names[0]) and previous:
                prefix = _GROUP_PREFIX.match(previous)
                if prefix:  # "各级党委、政府": 政府 shares 各级
                    names = [prefix.group(1) + names[0]]
            for name in names:
                name = name.strip("（）()")
                if not _looks_like_unit(name) or name in seen:
                    continue
                seen.add(name)
                refs.append(UnitRef(name=name, role=role))
                previous = name
    return refs


# A closing parenthesis that lists units: "（县委宣传部、县应急局分工负责;各乡镇）".
_CLOSING_PAREN = re.compile(r"[（(]([^（）()]{2,200})[）)]\s*[。；;]?\s*$")


def trailing_unit_list(text: str) -> tuple[str, list[UnitRef]] | None:
    """When a passage ends with a parenthesised unit list, the passage without it and the units."""
    end = text.rstrip()
    if end.endswith(("。", "；", ";")):
        end = end[:-1].rstrip()
    if not end.endswith(("）", ")")):
        return None  # what _CLOSING_PAREN needs last; a search would try every "（" for it
    m = _CLOSING_PAREN.search(text)
    if not m:
        return None
    inner = m.group(1)
    parts = [p for p in re.split(r"[、，,；;]+", inner) if p.strip()]
    if not parts:
        return None
    units = split_units(inner)
    # Most parts must be units: "（试行）" or "（以下简称……）" are not lists.
    if not units or len(units) < max(1, (len(parts) + 1) // 2):
        return None
    return text[: m.start()].rstrip(), units


def _aliases(name: str) -> list[str]:
    """Forms of one name the directory may hold: with or without a leading 县/区/市 and 各."""
    forms = [name]
    bare = name[1:] if name.startswith("各") and len(name) > 2 else name
    forms.append(bare)
    for lead in ("县", "区", "市"):
        if bare.startswith(lead) and len(bare) > 2:
            forms.append(bare[1:])
    return forms


def resolve_units(refs: list[UnitRef], directory: Directory | None) -> None:
    """Fill directory matches and the office's flags in place."""
    UnitIndex(directory).resolve(refs)


class UnitIndex:
    """A directory's names, forms and aliases looked up by name: built once for a whole parse
    rather than once for each measure."""

    def __init__(self, directory: Directory | None):
        self.directory = directory
        self.units: dict[str, int] = {}
        self.groups: dict[str, tuple[int, list[int]]] = {}
        if directory is not None:
            for unit in directory.units:
                for form in [unit.name, *unit.aliases]:
                    for key in _aliases(form):
                        self.units.setdefault(key, unit.id)
            for group in directory.groups:
                for form in [group.name, *group.aliases]:
                    for key in _aliases(form):
                        self.groups.setdefault(key, (group.id, list(group.member_ids)))

    def resolve(self, refs: list[UnitRef]) -> None:
        """Fill directory matches and the office's flags in place."""
        unit_index, group_index = self.units, self.groups
        for ref in refs:
            ref.needs_choice = bool(_NEEDS_CHOICE.match(ref.name))
            if self.directory is None:
                continue
            forms = _aliases(ref.name)
            group = next((group_index[f] for f in forms if f in group_index), None)
            unit_id = next((unit_index[f] for f in forms if f in unit_index), None)
            if ref.name in unit_index:
                unit_id = unit_index[ref.name]
            if group is not None and (unit_id is None or ref.name.startswith("各")):
                ref.group_id, ref.member_ids = group[0], list(group[1])
            elif unit_id is not None:
                ref.unit_id = unit_id
            elif not ref.needs_choice and not _GROUP_WORDS.search(ref.name):
                ref.is_new = bool(_PLAUSIBLE_UNIT.match(ref.name))
