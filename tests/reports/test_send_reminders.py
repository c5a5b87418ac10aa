"""manage.py send_reminders: one Chinese digest per unit, recorded, never twice on one day."""

import datetime as dt
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command

from reports.models import Reminder
from tasks.models import Assignment, Measure, Task
from tests import factories as f

S = Assignment.Status
DAY = dt.date(2024, 5, 10)
K, W = Reminder.Kind, Reminder.Reason


def _run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def _measure(notice, text, **kwargs):
    task, _ = Task.objects.get_or_create(notice=notice, number="1", title="落实责任")
    return Measure.objects.create(task=task, text=text, **kwargs)


@pytest.fixture
def unit_c(county):
    return f.unit(county, "天宁镇", kind="township")


@pytest.fixture
def items(county, unit_a, unit_b, unit_c, liaison_a, liaison_b, on_day):
    on_day(DAY)
    liaison_a.email = "yjj@example.cn"
    liaison_a.save()
    liaison_b.email = "syg@example.cn"
    liaison_b.save()
    second_b = f.user("liaison_b2", role=f.ROLE_LIAISON, j=county, u=unit_b)
    second_b.email = "syg2@example.cn"
    second_b.save()
    gone = f.user("liaison_b_old", role=f.ROLE_LIAISON, j=county, u=unit_b)
    gone.email, gone.is_active = "old@example.cn", False
    gone.save()
    f.user("liaison_c", role=f.ROLE_LIAISON, j=county, u=unit_c)  # no e-mail address
    n = f.notice(county, year=2024)
    a = {
        "overdue_a": f.assignment(_measure(n, "开展危化品专项检查"), unit_a,
                                  due=dt.date(2024, 5, 1), status=S.IN_PROGRESS),
        "soon_a": f.assignment(_measure(n, "完成应急预案修订"), unit_a, due=dt.date(2024, 5, 12)),
        "later_a": f.assignment(_measure(n, "组织消防演练"), unit_a, due=dt.date(2024, 5, 13)),
        "missed_b": f.assignment(
            _measure(n, "每月召开安全例会", recurrence="monthly"), unit_b,
            due=dt.date(2024, 12, 31), start=dt.date(2024, 3, 5),
        ),
        "done_b": f.assignment(_measure(n, "已办结的事"), unit_b, due=dt.date(2024, 5, 1),
                               status=S.DONE),
        "withdrawn_b": f.assignment(_measure(n, "已撤销的事", withdrawn=True), unit_b,
                                    due=dt.date(2024, 5, 1)),
        "overdue_c": f.assignment(_measure(n, "排查燃气管道隐患"), unit_c, due=dt.date(2024, 4, 30)),
    }  # fmt: skip
    return a


def _mail_to(mailoutbox, address):
    found = [m for m in mailoutbox if address in m.to]
    assert len(found) == 1
    return found[0]


def test_one_digest_per_unit_goes_to_all_its_liaisons(items, mailoutbox):
    _run()
    assert len(mailoutbox) == 2  # 天宁镇 has no e-mail address
    a = _mail_to(mailoutbox, "yjj@example.cn")
    b = _mail_to(mailoutbox, "syg@example.cn")
    assert a.to == ["yjj@example.cn"]
    assert b.to == ["syg@example.cn", "syg2@example.cn"]  # not the inactive one
    assert a.subject == "【催办】县应急局：逾期1项、即将到期1项（2024年5月10日）"
    assert b.subject == "【催办】水峪贯镇：漏报1项（2024年5月10日）"


def test_the_digest_lists_each_item_in_chinese(items, mailoutbox):
    _run()
    body = _mail_to(mailoutbox, "yjj@example.cn").body
    assert body.startswith("县应急局联络员：")
    assert "截至2024年5月10日" in body
    assert "【已逾期】1项" in body and "开展危化品专项检查" in body
    assert "完成时限：2024年5月1日，已逾期 9 天" in body
    assert "【即将到期（3天内）】1项" in body and "完成应急预案修订" in body
    assert "还剩 2 天" in body
    assert "组织消防演练" not in body  # due in 3 days' time: outside today and the next two
    assert "交城县安全生产委员会办公室" in body
    assert "&quot;" not in body and "&#x27;" not in body


def test_missed_periods_of_a_recurring_measure_are_reminded(items, mailoutbox):
    _run()
    body = _mail_to(mailoutbox, "syg@example.cn").body
    assert "【未按期报送】1项" in body
    assert "每月召开安全例会" in body and "每月报送，已有 2 期未报送" in body
    assert "已办结的事" not in body and "已撤销的事" not in body


def test_each_item_is_recorded_by_email_and_in_the_app(items, mailoutbox):
    _run()
    records = set(Reminder.objects.values_list("assignment_id", "kind", "reason"))
    a = items
    assert records == {
        (a["overdue_a"].pk, K.EMAIL, W.OVERDUE), (a["overdue_a"].pk, K.IN_APP, W.OVERDUE),
        (a["soon_a"].pk, K.EMAIL, W.DUE_SOON), (a["soon_a"].pk, K.IN_APP, W.DUE_SOON),
        (a["missed_b"].pk, K.EMAIL, W.PERIOD_MISSED), (a["missed_b"].pk, K.IN_APP, W.PERIOD_MISSED),
        (a["overdue_c"].pk, K.IN_APP, W.OVERDUE),  # no address: in the app only
    }  # fmt: skip
    assert all(r.created_at.date() == DAY for r in Reminder.objects.all())


def test_the_summary_says_what_was_done(items, mailoutbox):
    out = _run()
    assert "2024年5月10日催办：3 个单位共 4 项（逾期 2 项、漏报 1 项、临期 1 项）" in out
    assert "发出邮件 2 封（收件人 3 人，3 项）；新增站内提醒 4 条" in out
    assert "没有联络员邮箱、只发站内提醒的单位：天宁镇" in out


def test_running_twice_on_one_day_sends_nothing_new(items, mailoutbox):
    _run()
    out = _run()
    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 7
    assert "发出邮件 0 封" in out and "今日已提醒而跳过 4 项" in out


def test_the_next_day_reminds_again(items, mailoutbox, on_day):
    _run()
    on_day(DAY + dt.timedelta(days=1))
    _run()
    assert len(mailoutbox) == 4
    assert Reminder.objects.filter(kind=K.EMAIL, assignment=items["overdue_a"]).count() == 2


def test_a_new_item_later_the_same_day_is_sent_alone(items, mailoutbox, county, unit_a):
    _run()
    n = items["overdue_a"].measure.task.notice
    f.assignment(_measure(n, "新增的逾期事项"), unit_a, due=dt.date(2024, 5, 2))
    _run()
    assert len(mailoutbox) == 3
    body = mailoutbox[-1].body
    assert "新增的逾期事项" in body and "开展危化品专项检查" not in body


def test_dry_run_sends_and_records_nothing(items, mailoutbox):
    out = _run("--dry-run")
    assert mailoutbox == [] and Reminder.objects.count() == 0
    assert "试运行：未发送邮件，未记录提醒" in out
    assert "县应急局：2 项，其中今日未提醒 2 项 → yjj@example.cn" in out
    assert "天宁镇：1 项，其中今日未提醒 1 项 → 无联络员邮箱" in out


def test_days_comes_from_the_option_or_the_setting(items, mailoutbox, settings):
    _run("--days", "4")
    assert "组织消防演练" in _mail_to(mailoutbox, "yjj@example.cn").body
    Reminder.objects.all().delete()
    mailoutbox.clear()
    settings.REMINDER_DAYS = 1
    _run()
    assert "完成应急预案修订" not in _mail_to(mailoutbox, "yjj@example.cn").body


def test_bad_days_are_refused(items, mailoutbox):
    with pytest.raises(CommandError, match="--days 应为 0 到 60"):
        _run("--days", "-1")
    assert mailoutbox == [] and Reminder.objects.count() == 0


def test_links_point_to_the_assignment_when_the_site_url_is_set(items, mailoutbox, settings):
    settings.SITE_URL = "https://aqb.example.gov.cn"
    _run()
    body = _mail_to(mailoutbox, "yjj@example.cn").body
    assert f"办理：https://aqb.example.gov.cn/assignments/{items['overdue_a'].pk}/" in body


def test_a_refused_mail_records_nothing_for_that_unit(items, mailoutbox, monkeypatch):
    real_send = EmailMessage.send

    def send(message, *args, **kwargs):
        if "syg@example.cn" in message.to:
            raise ConnectionRefusedError("连接被拒绝")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    out = StringIO()
    with pytest.raises(CommandError, match="1 个单位的催办邮件发送失败"):
        call_command("send_reminders", stdout=out)
    assert "发送失败：水峪贯镇（连接被拒绝）" in out.getvalue()
    assert not Reminder.objects.filter(assignment=items["missed_b"]).exists()
    assert Reminder.objects.filter(assignment=items["overdue_a"]).count() == 2


def test_nothing_to_remind_says_so(county, on_day, mailoutbox):
    on_day(DAY)
    assert "没有逾期、漏报或临期的任务，无需催办" in _run()
    assert mailoutbox == []
