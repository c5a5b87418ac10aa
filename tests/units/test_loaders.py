import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from units.models import Jurisdiction, Profile, Unit, UnitAlias, UnitGroup

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "jiaocheng.json"


def _counts():
    return (
        Jurisdiction.objects.count(),
        Unit.objects.count(),
        UnitAlias.objects.count(),
        UnitGroup.objects.count(),
    )


def test_loading_the_directory_twice_duplicates_nothing(db):
    call_command("load_units", verbosity=0)
    first = _counts()
    call_command("load_units", verbosity=0)
    assert _counts() == first
    assert first[1] > 40


def test_directory_has_every_township_and_the_township_jurisdiction(db):
    call_command("load_units", verbosity=0)
    townships = set(Unit.objects.filter(kind="township").values_list("name", flat=True))
    assert townships == {
        "天宁镇", "夏家营镇", "西营镇", "水峪贯镇", "西社镇",
        "庞泉沟镇", "洪相乡", "岭底乡", "东坡底乡", "会立乡",
    }  # fmt: skip
    syg = Unit.objects.get(name="水峪贯镇")
    assert syg.governs.name == "水峪贯镇"
    assert syg.governs.parent.name == "交城县"
    assert not Unit.objects.filter(jurisdiction=syg.governs).exists()


def test_directory_groups_resolve_as_the_office_expects(db):
    call_command("load_units", verbosity=0)
    county = Jurisdiction.objects.get(name="交城县")
    groups = {g.name: g for g in UnitGroup.objects.filter(jurisdiction=county)}
    assert groups["各乡镇"].resolve().count() == 10
    depts = set(Unit.objects.filter(jurisdiction=county, kind="department"))
    assert set(groups["县直各部门"].resolve()) == depts
    assert set(groups["县安委会成员单位"].resolve()) == depts
    supervisors = {u.name for u in groups["各负有安全监管职责的部门"].resolve()}
    assert {"县应急局", "县住建局", "县交警大队", "县消防救援大队"} <= supervisors
    assert "县财政局" not in supervisors


def test_directory_names_every_unit_of_the_division_table(db):
    call_command("load_units", verbosity=0)
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    names = [u["name"] for u in data["units"]]
    for name in ["县应急局", "县交警大队", "市生态环境局交城分局", "县委编办", "交城经济开发区"]:
        assert name in names
    assert list(Unit.objects.named("县应急管理局").values_list("name", flat=True)) == ["县应急局"]


def test_demo_users_twice_duplicate_nothing_and_can_log_in(client, db):
    call_command("load_units", verbosity=0)
    call_command("create_demo_users", verbosity=0)
    call_command("create_demo_users", verbosity=0)
    User = get_user_model()
    assert User.objects.count() == Profile.objects.count() == 6
    assert client.login(username="admin", password="anquan2024")
    assert User.objects.get(username="yjj").profile.unit.name == "县应急局"


def test_demo_users_without_directory_get_a_chinese_error(db, capsys):
    from django.core.management.base import CommandError

    try:
        call_command("create_demo_users")
    except CommandError as exc:
        assert "load_units" in str(exc)
    else:
        raise AssertionError("expected CommandError")
