from tasks.models import Assignment
from tests import factories as f
from units.access import get_actor


def _visible(user):
    actor = get_actor(user)
    return set(
        Assignment.objects.filter(
            actor.jurisdiction_filter("measure__task__notice__jurisdiction__")
        )
    )


def test_county_office_sees_its_townships_work_but_not_a_sibling_county(
    county, township_j, sibling_county, office
):
    own = f.assignment(f.measure(j=county), f.unit(county, "县住建局"))
    township = f.assignment(f.measure(j=township_j), f.unit(township_j, "某村", kind="village"))
    sibling = f.assignment(f.measure(j=sibling_county), f.unit(sibling_county, "文水县住建局"))
    visible = _visible(office)
    assert own in visible and township in visible
    assert sibling not in visible


def test_township_office_sees_only_its_own(county, township_j, township_office):
    f.assignment(f.measure(j=county), f.unit(county, "县住建局"))
    mine = f.assignment(f.measure(j=township_j), f.unit(township_j, "某村", kind="village"))
    assert _visible(township_office) == {mine}


def test_roles_are_read_from_groups(office, leader, liaison_a, it_admin, unit_a):
    assert get_actor(office).is_office
    assert get_actor(leader).is_leader and not get_actor(leader).is_office
    assert get_actor(liaison_a).unit == unit_a
    assert get_actor(it_admin).role == "admin"


def test_user_without_role_sees_nothing(county):
    nobody = f.user("nobody", role=None, j=county)
    f.assignment(f.measure(j=county), f.unit(county, "县住建局"))
    assert get_actor(nobody).role == "none"
    assert _visible(nobody) == set()
