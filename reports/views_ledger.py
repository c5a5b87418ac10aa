"""The 台账 export: the page that explains it, and the .xlsx of the 措施台账 filter.

Office, leaders and IT export their jurisdiction (and those below); a liaison exports only the
own unit's assignments (the measures the unit has, with no other unit named). The filters are
those of the measure list (``tasks.filters.MeasureFilter``, same GET names), applied to the
measures the user may see; bad filter values are refused with a message and nothing exported.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from reports.ledger import LedgerSpec, build_ledger, cn_date
from tasks import clock
from tasks.access import visible_assignments, visible_measures
from tasks.filters import MeasureFilter
from units.access import Actor, get_actor, role_required

EXPORTERS = ("admin", "office", "leader", "liaison")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The filters a liaison can use: notices, years and chapters are the office's words.
LIAISON_FIELDS = ("q", "status", "timing", "recurrence", "role")
ORDER = ("-task__notice__year", "task__notice_id", "task__order", "order", "id")


def ledger_filter(request: HttpRequest, actor: Actor) -> MeasureFilter:
    measures = visible_measures(actor).order_by(*ORDER)
    filterset = MeasureFilter(request.GET, queryset=measures, request=request)
    if actor.is_liaison:
        for name in list(filterset.filters):
            if name not in LIAISON_FIELDS:
                del filterset.filters[name]
    return filterset


def ledger_title(actor: Actor, measures) -> str:
    """交城县2024年安全生产工作任务台账; the unit's name for a liaison; years as found."""
    who = actor.unit.name if actor.is_liaison else (actor.jurisdiction or "")
    years = sorted(measures.order_by().values_list("task__notice__year", flat=True).distinct())
    span = ""
    if years:
        span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    return f"{who}{span}安全生产工作任务台账"


def _error_text(filterset: MeasureFilter) -> str:
    return "；".join(e for errors in filterset.form.errors.values() for e in errors)


@require_GET
@login_required
@role_required(*EXPORTERS)
def ledger_export(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request.user)
    filterset = ledger_filter(request, actor)
    valid = filterset.is_valid()
    measures = filterset.qs if valid else None
    context = {
        "filter": filterset,
        "today": clock.today(),
        "measure_count": measures.count() if valid else 0,
        "query": request.GET.urlencode(),
        "title": ledger_title(actor, measures) if valid else "",
    }
    return render(request, "reports/ledger_export.html", context)


@require_GET
@login_required
@role_required(*EXPORTERS)
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request.user)
    filterset = ledger_filter(request, actor)
    if not filterset.is_valid():
        messages.error(request, f"筛选条件有误，未导出台账：{_error_text(filterset)}")
        return redirect(reverse("ledger_export") + "?" + request.GET.urlencode())
    today, measures = clock.today(), filterset.qs
    assignments = visible_assignments(actor)
    spec = LedgerSpec(measures=measures, assignments=assignments, today=today,
                      title=ledger_title(actor, measures),
                      per_unit=request.GET.get("per_unit") == "1")  # fmt: skip
    if spec.per_unit:
        spec.units = list(
            assignments.filter(measure__in=measures.values("pk"))
            .order_by("unit__jurisdiction__path", "unit__order", "unit_id")
            .values_list("unit_id", "unit__name")
            .distinct()
        )
    name = f"{spec.title}（截至{cn_date(today)}）.xlsx"
    return FileResponse(build_ledger(spec), as_attachment=True, filename=name, content_type=XLSX)
