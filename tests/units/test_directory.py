import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from units.models import Jurisdiction, Profile, Unit, UnitAlias, UnitGroup


def test_unit_found_by_each_of_its_aliases(county, unit_a):
    for name in ["县应急局", "县应急管理局", "应急局"]:
        assert list(Unit.objects.named(name)) == [unit_a]


def test_alias_lookup_does_not_match_other_names(county, unit_a):
    assert not Unit.objects.named("县住建局").exists()


def test_alias_already_used_by_another_unit_is_refused(county, unit_a):
    other = f.unit(county, "县住建局")
    alias = UnitAlias(unit=other, name="应急局")
    with pytest.raises(ValidationError, match="已被本行政区划的其他单位使用"):
        alias.full_clean()


def test_township_group_resolves_to_every_active_township(county):
    towns = [f.unit(county, n, kind="township") for n in ["天宁镇", "西营镇", "会立乡"]]
    f.unit(county, "县应急局")
    closed = f.unit(county, "旧镇", kind="township")
    closed.is_active = False
    closed.save()
    group = f.group(county, "各乡镇", rule=UnitGroup.Rule.TOWNSHIPS)
    assert set(group.resolve()) == set(towns)


def test_department_group_resolves_to_departments_only(county):
    depts = [f.unit(county, n) for n in ["县应急局", "县住建局"]]
    f.unit(county, "天宁镇", kind="township")
    group = f.group(county, "县直各部门", rule=UnitGroup.Rule.DEPARTMENTS)
    assert set(group.resolve()) == set(depts)


def test_listed_group_resolves_to_the_office_list(county):
    a, b, _ = (f.unit(county, n) for n in ["县应急局", "县住建局", "县财政局"])
    group = f.group(county, "各负有安全监管职责的部门", members=[a, b])
    assert set(group.resolve()) == {a, b}


def test_group_does_not_reach_another_jurisdiction(county, sibling_county):
    f.unit(sibling_county, "文水某镇", kind="township")
    mine = f.unit(county, "天宁镇", kind="township")
    group = f.group(county, "各乡镇", rule=UnitGroup.Rule.TOWNSHIPS)
    assert list(group.resolve()) == [mine]


def test_jurisdiction_path_and_within(county, township_j, sibling_county):
    assert township_j.is_within(county)
    assert not sibling_county.is_within(county)
    assert set(Jurisdiction.objects.within(county)) == {county, township_j}


def test_moving_a_jurisdiction_carries_its_subtree(county, township_j, sibling_county):
    village = f.jurisdiction("某村", level="township", parent=township_j)
    county.parent = sibling_county
    county.save()
    village.refresh_from_db()
    assert village.is_within(sibling_county)


def test_liaison_without_a_unit_is_refused(county):
    user = f.user("someone", role=f.ROLE_LIAISON, j=county)
    profile = Profile.objects.get(user=user)
    with pytest.raises(ValidationError, match="联络员必须指定所属单位"):
        profile.full_clean()


def test_liaison_unit_must_be_in_its_jurisdiction(county, sibling_county):
    other = f.unit(sibling_county, "文水县应急局")
    profile = Profile(user=f.user("x", role=None, j=county), jurisdiction=county, unit=other)
    with pytest.raises(ValidationError, match="联络员的单位必须属于其行政区划"):
        profile.clean()
