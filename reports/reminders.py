"""催办: the daily digest of late and soon-due items, one e-mail per unit, and in-app reminders.

``collect`` finds, for every unit, its open assignments (of measures not withdrawn) that are late
(overdue by date, or a recurring period missed: ``Assignment.objects.late``) or due within
``days`` days, today included. ``send_digests`` e-mails each unit ONE digest addressed to all its
liaisons that have an e-mail address, records a ``Reminder(kind=email)`` per item e-mailed and a
``Reminder(kind=in_app)`` per item, and never repeats the same reminder (assignment, kind,
reason) on the same day: running it twice a day sends nothing new the second time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reports.models import Reminder
from tasks.models import Assignment
from units.models import Unit

Reason = Reminder.Reason
KIND_ORDER = (Reason.OVERDUE, Reason.PERIOD_MISSED, Reason.DUE_SOON)


@dataclass
class DigestItem:
    assignment: Assignment
    reason: str
    days: int = 0  # days overdue, or days left before the due date
    missed: int = 0  # recurring periods with no report
    email: bool = True  # not e-mailed yet today
    in_app: bool = True  # no in-app reminder yet today

    @property
    def url(self) -> str:
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        return f"{base}{reverse('assignment_detail', args=[self.assignment.pk])}" if base else ""


@dataclass
class UnitDigest:
    unit: Unit
    items: list[DigestItem]
    recipients: list[str] = field(default_factory=list)

    def of(self, reason: str, *, emailed_only: bool = False) -> list[DigestItem]:
        return [i for i in self.items if i.reason == reason and (i.email or not emailed_only)]

    @property
    def email_items(self) -> list[DigestItem]:
        return [i for i in self.items if i.email]

    def sends(self, item: DigestItem) -> bool:
        """Whether ``item`` goes into today's e-mail (not sent yet, and someone to send to)."""
        return item.email and bool(self.recipients)

    @property
    def office_name(self) -> str:
        j = self.unit.jurisdiction
        return j.office_name or f"{j.name}安全生产委员会办公室"


@dataclass
class Summary:
    day: dt.date
    digests: list[UnitDigest] = field(default_factory=list)
    emails: int = 0
    recipients: int = 0
    email_records: int = 0
    in_app_records: int = 0
    skipped: int = 0  # items already reminded today, by every means
    failed: list[tuple[Unit, str]] = field(default_factory=list)

    @property
    def units_without_email(self) -> list[Unit]:
        return [d.unit for d in self.digests if not d.recipients]


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day in the project's time zone, as aware datetimes [start, end)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def stamp(day: dt.date) -> dt.datetime:
    """Now, on ``day`` (the same as now when ``day`` is today)."""
    return timezone.make_aware(dt.datetime.combine(day, timezone.localtime().time()))


def collect(today: dt.date, days: int) -> list[UnitDigest]:
    """Units with late or soon-due items, each item marked with what was already sent today."""
    base = Assignment.objects.filter(measure__withdrawn=False).select_related(
        "measure__task", "unit__jurisdiction"
    )
    items: dict[int, DigestItem] = {}
    for a in base.late(on=today).order_by("due_date", "pk"):
        if a.due_date and a.due_date < today:
            items[a.pk] = DigestItem(a, Reason.OVERDUE, (today - a.due_date).days, a.missed_periods)
        else:
            items[a.pk] = DigestItem(a, Reason.PERIOD_MISSED, missed=a.missed_periods)
    if days > 0:
        last = today + dt.timedelta(days=days - 1)
        soon = base.open().filter(due_date__gte=today, due_date__lte=last).order_by("due_date")
        for a in soon:
            if a.pk not in items:
                items[a.pk] = DigestItem(a, Reason.DUE_SOON, (a.due_date - today).days)
    start, end = day_window(today)
    done_today = set(
        Reminder.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            kind__in=[Reminder.Kind.EMAIL, Reminder.Kind.IN_APP],
            assignment_id__in=list(items),
        ).values_list("assignment_id", "kind", "reason")
    )
    by_unit: dict[int, list[DigestItem]] = defaultdict(list)
    for item in items.values():
        pk = item.assignment.pk
        item.email = (pk, Reminder.Kind.EMAIL, item.reason) not in done_today
        item.in_app = (pk, Reminder.Kind.IN_APP, item.reason) not in done_today
        by_unit[item.assignment.unit_id].append(item)
    recipients: dict[int, list[str]] = defaultdict(list)
    users = get_user_model().objects.filter(is_active=True, profile__unit_id__in=list(by_unit))
    for unit_id, email in (
        users.exclude(email="").order_by("pk").values_list("profile__unit_id", "email")
    ):
        recipients[unit_id].append(email)
    digests = []
    for unit_items in by_unit.values():
        unit = unit_items[0].assignment.unit
        unit_items.sort(key=lambda i: (KIND_ORDER.index(i.reason), -i.days, i.assignment.pk))
        digests.append(UnitDigest(unit, unit_items, recipients[unit.pk]))
    digests.sort(key=lambda d: (d.unit.jurisdiction.path, d.unit.order, d.unit.pk))
    return digests


def render_digest(digest: UnitDigest, today: dt.date, days: int) -> tuple[str, str]:
    """Subject and body of the unit's e-mail: only the items not e-mailed yet today."""
    context = {
        "digest": digest,
        "unit": digest.unit,
        "today": today,
        "today_text": cn_date(today),
        "days": days,
        "overdue": digest.of(Reason.OVERDUE, emailed_only=True),
        "missed": digest.of(Reason.PERIOD_MISSED, emailed_only=True),
        "soon": digest.of(Reason.DUE_SOON, emailed_only=True),
        "site_url": getattr(settings, "SITE_URL", ""),
    }
    subject = render_to_string("emails/reminder_subject.txt", context)
    body = render_to_string("emails/reminder_digest.txt", context)
    return " ".join(subject.split()), body


def send_digests(today: dt.date, days: int, *, dry_run: bool = False) -> Summary:
    summary = Summary(day=today)
    summary.digests = collect(today, days)
    when = stamp(today)  # one time for the whole run, so that lists keep the digest's order
    for digest in summary.digests:
        summary.skipped += sum(1 for i in digest.items if not i.in_app and not digest.sends(i))
        if dry_run:
            continue
        try:
            _send_one(digest, today, days, when, summary)
        except Exception as error:  # one unit's failure must not stop the others
            summary.failed.append((digest.unit, str(error) or error.__class__.__name__))
    return summary


@transaction.atomic
def _send_one(
    digest: UnitDigest, today: dt.date, days: int, when: dt.datetime, summary: Summary
) -> None:
    """Record, then send: if the mail server refuses, the records roll back with it."""
    records = [
        Reminder(assignment=i.assignment, kind=Reminder.Kind.IN_APP, reason=i.reason,
                 created_at=when)
        for i in digest.items if i.in_app
    ]  # fmt: skip
    emailed = digest.email_items if digest.recipients else []
    records += [
        Reminder(assignment=i.assignment, kind=Reminder.Kind.EMAIL, reason=i.reason,
                 created_at=when)
        for i in emailed
    ]  # fmt: skip
    Reminder.objects.bulk_create(records)
    if emailed:
        subject, body = render_digest(digest, today, days)
        EmailMessage(subject, body, to=digest.recipients).send()
        summary.emails += 1
        summary.recipients += len(digest.recipients)
        summary.email_records += len(emailed)
    summary.in_app_records += sum(1 for i in digest.items if i.in_app)


def summary_text(summary: Summary, *, dry_run: bool = False) -> str:
    counts = defaultdict(int)
    for d in summary.digests:
        for i in d.items:
            counts[i.reason] += 1
    total = sum(counts.values())
    day = cn_date(summary.day)
    if not total:
        return f"{day}：没有逾期、漏报或临期的任务，无需催办。"
    lines = [
        f"{day}催办：{len(summary.digests)} 个单位共 {total} 项"
        f"（逾期 {counts[Reason.OVERDUE]} 项、漏报 {counts[Reason.PERIOD_MISSED]} 项、"
        f"临期 {counts[Reason.DUE_SOON]} 项）。"
    ]
    if dry_run:
        for d in summary.digests:
            to = "、".join(d.recipients) or "无联络员邮箱"
            new = sum(1 for i in d.items if d.sends(i) or i.in_app)
            lines.append(f"  {d.unit.name}：{len(d.items)} 项，其中今日未提醒 {new} 项 → {to}")
        lines.append("试运行：未发送邮件，未记录提醒。")
        return "\n".join(lines)
    lines.append(
        f"发出邮件 {summary.emails} 封（收件人 {summary.recipients} 人，{summary.email_records} 项）；"
        f"新增站内提醒 {summary.in_app_records} 条；今日已提醒而跳过 {summary.skipped} 项。"
    )
    if summary.units_without_email:
        names = "、".join(u.name for u in summary.units_without_email)
        lines.append(f"没有联络员邮箱、只发站内提醒的单位：{names}。")
    for unit, error in summary.failed:
        lines.append(f"发送失败：{unit.name}（{error}），该单位未记录提醒，下次运行时重发。")
    return "\n".join(lines)
