import datetime as dt

from django.core.management import call_command

from tasks.models import Assignment, ExtensionRequest, Notice, ProgressReport, Review


def test_load_demo_twice_gives_progress_once(db, on_day):
    on_day(dt.date(2026, 11, 23))
    call_command("load_demo", verbosity=0)
    counts = (
        Notice.objects.count(),
        Assignment.objects.count(),
        ProgressReport.objects.count(),
        Review.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    again = (
        Notice.objects.count(),
        Assignment.objects.count(),
        ProgressReport.objects.count(),
        Review.objects.count(),
    )
    assert again == counts
    assert counts[0] == 2 and counts[2] > 0 and counts[3] > 0
    assert set(Notice.objects.values_list("year", flat=True)) == {2026}
    today = dt.date(2026, 11, 23)
    assert Assignment.objects.overdue(on=today).exists()
    assert Assignment.objects.due_soon(on=today).exists()
    assert Assignment.objects.filter(status="requested").exists()
    assert ExtensionRequest.objects.filter(status="pending").count() == 2
