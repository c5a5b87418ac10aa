"""Jurisdictions, their unit directories (units, aliases, groups) and who acts for whom."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class JurisdictionQuerySet(models.QuerySet):
    def within(self, jurisdiction: Jurisdiction) -> JurisdictionQuerySet:
        """The jurisdiction and every one below it."""
        return self.filter(path__startswith=jurisdiction.path)


class Jurisdiction(models.Model):
    """A 行政区划 with its own 安委会 and office: a city, a county, a township."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"
        TOWNSHIP = "township", "乡镇（街道）"

    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/1/5/": ids from the top down, so "this one and all below" is one indexed prefix match.
    path = models.CharField("层级路径", max_length=255, editable=False, db_index=True)
    office_name = models.CharField(
        "安委办名称", max_length=100, blank=True, help_text="如：交城县安全生产委员会办公室"
    )
    document_prefix = models.CharField(
        "督办单文号前缀", max_length=30, blank=True, help_text="如：交安办督"
    )

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)
            if old:  # moved: carry the subtree along
                for child in Jurisdiction.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = path + child.path[len(old) :]
                    Jurisdiction.objects.filter(pk=child.pk).update(path=child.path)

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "上级不能是自己或自己的下级。"})
            ancestor = ancestor.parent

    def is_within(self, other: Jurisdiction) -> bool:
        """True when this is ``other`` or below it."""
        return self.path.startswith(other.path)

    def top(self) -> Jurisdiction:
        node = self
        while node.parent_id:
            node = node.parent
        return node


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def in_jurisdiction(self, jurisdiction: Jurisdiction) -> UnitQuerySet:
        return self.filter(jurisdiction=jurisdiction)

    def named(self, name: str) -> UnitQuerySet:
        """Units called ``name`` by their own name or by an alias."""
        name = name.strip()
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()


class Unit(models.Model):
    """A unit in a jurisdiction's directory: a department, a township, the office itself…"""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "县直部门"
        TOWNSHIP = "township", "乡镇（街道）"
        COMMITTEE = "committee", "安委会"
        OFFICE = "office", "安委办"
        VILLAGE = "village", "村（社区）"
        ENTERPRISE = "enterprise", "企业"
        OTHER = "other", "其他"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    governs = models.OneToOneField(
        Jurisdiction,
        verbose_name="对应行政区划",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="as_unit",
        help_text="乡镇既是县级目录中的单位，也是有自己安委办的行政区划",
    )
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["jurisdiction", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.jurisdiction_id != self.jurisdiction_id:
            raise ValidationError({"parent": "上级单位必须属于同一行政区划。"})
        if self.jurisdiction_id and self.name:
            clash = UnitAlias.objects.filter(
                unit__jurisdiction_id=self.jurisdiction_id, name=self.name
            ).exclude(unit_id=self.pk)
            if clash.exists():
                raise ValidationError({"name": f"“{self.name}”已是其他单位的别名。"})


class UnitAlias(models.Model):
    """Another name the documents use for a unit: 县应急局 = 县应急管理局 = 应急局."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField("别名", max_length=100, db_index=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="alias_unique_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.unit_id:
            return
        jurisdiction_id = self.unit.jurisdiction_id
        other_alias = UnitAlias.objects.filter(
            unit__jurisdiction_id=jurisdiction_id, name=self.name
        ).exclude(unit_id=self.unit_id)
        other_unit = Unit.objects.filter(jurisdiction_id=jurisdiction_id, name=self.name).exclude(
            pk=self.unit_id
        )
        if other_alias.exists() or other_unit.exists():
            raise ValidationError({"name": f"“{self.name}”已被本行政区划的其他单位使用。"})


class UnitGroup(models.Model):
    """A name that stands for several units: 各乡镇, 县直各部门, 各负有安全监管职责的部门…"""

    class Rule(models.TextChoices):
        TOWNSHIPS = "townships", "全部乡镇（街道）"
        DEPARTMENTS = "departments", "全部县直部门"
        VILLAGES = "villages", "全部村（社区）"
        LIST = "list", "指定名单"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="unit_groups"
    )
    name = models.CharField("群组名称", max_length=100)
    aliases = models.TextField("别名", blank=True, help_text="每行一个，如：各乡（镇）")
    rule = models.CharField("成员规则", max_length=20, choices=Rule.choices, default=Rule.LIST)
    members = models.ManyToManyField(
        Unit,
        verbose_name="成员单位",
        blank=True,
        related_name="listed_in_groups",
        help_text="成员规则为“指定名单”时使用",
    )
    order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = "单位群组"
        verbose_name_plural = "单位群组"
        ordering = ["jurisdiction", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def all_names(self) -> list[str]:
        return [self.name, *self.alias_list()]

    def resolve(self) -> UnitQuerySet:
        """The active units this group stands for, in directory order."""
        units = Unit.objects.active().filter(jurisdiction_id=self.jurisdiction_id)
        if self.rule == self.Rule.TOWNSHIPS:
            return units.filter(kind=Unit.Kind.TOWNSHIP)
        if self.rule == self.Rule.DEPARTMENTS:
            return units.filter(kind=Unit.Kind.DEPARTMENT)
        if self.rule == self.Rule.VILLAGES:
            return units.filter(kind=Unit.Kind.VILLAGE)
        return units.filter(listed_in_groups=self)


class Profile(models.Model):
    """Where a user acts: office users and leaders in a jurisdiction, a liaison for one unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="profile",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="profiles"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位（联络员）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户资料"
        verbose_name_plural = "用户资料"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.unit or self.jurisdiction}）"

    def clean(self) -> None:
        if (
            self.unit_id
            and self.jurisdiction_id
            and self.unit.jurisdiction_id != self.jurisdiction_id
        ):
            raise ValidationError({"unit": "联络员的单位必须属于其行政区划。"})
        if self.user_id and not self.unit_id and self.user.groups.filter(name=LIAISON).exists():
            raise ValidationError({"unit": "联络员必须指定所属单位。"})


# The three roles of DOMAIN.md, as Django groups (created by a migration).
OFFICE = "安委办"
LIAISON = "联络员"
LEADER = "领导"
ROLES = (OFFICE, LIAISON, LEADER)
