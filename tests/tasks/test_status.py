import pytest
from django.core.exceptions import ValidationError

from tasks.models import Assignment
from tests import factories as f

S = Assignment.Status
ALLOWED = {
    (S.NOT_STARTED, S.IN_PROGRESS),
    (S.NOT_STARTED, S.REQUESTED),
    (S.IN_PROGRESS, S.REQUESTED),
    (S.REQUESTED, S.DONE),
    (S.REQUESTED, S.IN_PROGRESS),
}
ALL = [(a, b) for a in S for b in S if a != b]


@pytest.mark.parametrize(("start", "target"), sorted(ALLOWED))
def test_allowed_transition(county, unit_a, start, target):
    a = f.assignment(f.measure(j=county), unit_a, status=start)
    a.transition_to(target)
    assert a.status == target


@pytest.mark.parametrize(("start", "target"), sorted(set(ALL) - ALLOWED))
def test_refused_transition_says_why_in_chinese(county, unit_a, start, target):
    a = f.assignment(f.measure(j=county), unit_a, status=start)
    with pytest.raises(ValidationError) as err:
        a.transition_to(target)
    assert f"状态不能从“{S(start).label}”变为“{S(target).label}”" in err.value.messages[0]
    a.refresh_from_db()
    assert a.status == start


def test_accepting_sets_completion_time(county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, status=S.REQUESTED)
    a.transition_to(S.DONE)
    assert a.completed_at is not None
